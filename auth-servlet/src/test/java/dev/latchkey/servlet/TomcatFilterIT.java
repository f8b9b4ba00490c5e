package dev.latchkey.servlet;

import jakarta.servlet.Filter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * The container contract on embedded Tomcat 11 (Servlet 6.1), with the application on the default
 * servlet mapping.
 */
class TomcatFilterIT extends ContainerContract {
  @Override
  Running start(Filter filter) throws Exception {
    Path base = Files.createTempDirectory("latchkey-tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);

    Path docBase = Files.createDirectories(base.resolve("docs"));
    Context context = tomcat.addContext(CONTEXT, docBase.toString());
    FilterDef def = new FilterDef();
    def.setFilterName("latchkey");
    def.setFilter(filter);
    context.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName("latchkey");
    map.addURLPattern("/*");
    context.addFilterMap(map);
    // Tomcat runs filters only on a request mapped to a servlet: the one at "/" takes the
    // authentication routes too.
    Tomcat.addServlet(context, "app", new ApplicationServlet()).addMapping("/");
    Tomcat.addServlet(context, "api", new ApplicationServlet()).addMapping("/api/*");
    tomcat.start();

    int port = connector.getLocalPort();
    return new Running() {
      @Override
      public int port() {
        return port;
      }

      @Override
      public void stop() throws Exception {
        try {
          tomcat.stop();
          tomcat.destroy();
        } finally {
          deleteTree(base);
        }
      }
    };
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
