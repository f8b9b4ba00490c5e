package dev.latchkey.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.ServletMapping;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The container contract on embedded Jetty 12 (ee10, Servlet 6.0), with the application on exact
 * servlet mappings.
 */
class JettyFilterIT extends ContainerContract {
  @Override
  Running start(Filter filter) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);

    ServletContextHandler context = new ServletContextHandler(CONTEXT);
    context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
    // Exact mappings and no servlet at "/": the authentication routes reach the filter through
    // the 404 servlet Jetty maps there.
    ServletHolder app = new ServletHolder("app", new ApplicationServlet());
    context.getServletHandler().addServlet(app);
    ServletMapping exact = new ServletMapping();
    exact.setServletName("app");
    exact.setPathSpecs(new String[] {"/profile", "/health", "/forward-to-profile"});
    context.getServletHandler().addServletMapping(exact);
    context.addServlet(new ServletHolder("api", new ApplicationServlet()), "/api/*");
    server.setHandler(context);
    server.start();

    int port = connector.getLocalPort();
    return new Running() {
      @Override
      public int port() {
        return port;
      }

      @Override
      public void stop() throws Exception {
        server.stop();
      }
    };
  }
}
