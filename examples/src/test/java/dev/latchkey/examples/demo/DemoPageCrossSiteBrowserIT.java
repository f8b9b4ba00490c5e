package dev.latchkey.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Cross-site request forgery in a real browser. The victim logs in on the demo at {@code
 * http://127.0.0.1:<port>}; then the same browser opens an attacker's page at {@code
 * http://localhost:<other port>} (another site), which submits a form to the demo as soon as it
 * loads. The browser itself says where the request comes from; the demo must refuse it, and the
 * victim's session must be exactly what it was.
 */
class DemoPageCrossSiteBrowserIT {
  private static final String REFUSED = "cross-site request refused";

  static DemoServer server;
  static HttpServer attacker;
  static HeadlessChromium browser;
  static DemoPage page;

  @BeforeAll
  static void start() throws Exception {
    server = DemoServerIT.startInMemory();
    String demo = "http://127.0.0.1:" + server.port();
    attacker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    // A form-encoded POST that would end the victim's session.
    attacker.createContext(
        "/logout",
        ex ->
            send(
                ex,
                "<form id=\"attack\" method=\"post\" action=\""
                    + demo
                    + "/session-logout\"><input type=\"hidden\" name=\"x\" value=\"1\"></form>"));
    // Login CSRF: a text/plain form whose body reads as JSON with the attacker's credentials, so
    // that the victim would go on working in the attacker's account.
    attacker.createContext(
        "/login",
        ex ->
            send(
                ex,
                "<form id=\"attack\" method=\"post\" enctype=\"text/plain\" action=\""
                    + demo
                    + "/session-login\"><input type=\"hidden\""
                    + " name='{\"username\":\"admin\",\"password\":\"password123\",\"x\":\"'"
                    + " value='\"}'></form>"));
    attacker.start();
    browser = HeadlessChromium.start();
    page = new DemoPage(browser, server.port());
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (attacker != null) {
        attacker.stop(0);
      }
      server.close();
    }
  }

  /** The attacker's page: {@code form}, submitted by script as soon as the page loads. */
  private static void send(HttpExchange ex, String form) throws IOException {
    String html =
        "<!doctype html><html><head><title>win a prize</title></head><body>"
            + form
            + "<script>document.getElementById('attack').submit();</script></body></html>";
    byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    ex.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Test
  void aForeignSitesLogoutFormIsRefusedAndTheSessionSurvives() {
    String sid = victimLogsIn();

    visitAttacker("/logout", "/session-logout");

    assertThat(browser.driver.manage().getCookieNamed("sid").getValue()).isEqualTo(sid);
    page.open();
    assertThat(page.click("session", "session-profile")).isEqualTo("200");
    assertThat(page.shown("session", "user")).isEqualTo("alice");
  }

  @Test
  void aForeignSitesLoginFormIsRefusedAndTheVictimStaysHimself() {
    String sid = victimLogsIn();

    visitAttacker("/login", "/session-login");

    assertThat(browser.driver.manage().getCookieNamed("sid").getValue()).isEqualTo(sid);
    page.open();
    assertThat(page.click("session", "session-profile")).isEqualTo("200");
    assertThat(page.shown("session", "user")).isEqualTo("alice");
    assertThat(page.shown("session", "roles")).doesNotContain("admin");
  }

  /** Logs alice in on the demo's page; answers her session cookie's value. */
  private static String victimLogsIn() {
    page.open();
    assertThat(page.logIn("session", "alice", "wonderland")).isEqualTo("200");
    assertThat(page.shown("session", "user")).isEqualTo("alice");
    return browser.driver.manage().getCookieNamed("sid").getValue();
  }

  /**
   * Opens the attacker's page at {@code path} on {@code localhost}; waits until its form has landed
   * on the demo's {@code target} and checks the demo's answer is the cross-site refusal.
   */
  private static void visitAttacker(String path, String target) {
    String origin = "http://localhost:" + attacker.getAddress().getPort();
    browser.driver.get(origin + path);
    String landed = "http://127.0.0.1:" + server.port() + target;
    browser
        .waiting()
        .withMessage(() -> "the attacker's form to land on " + landed)
        .until(d -> landed.equals(d.getCurrentUrl()));
    browser
        .waiting()
        .withMessage(() -> "the demo's refusal; the page shows: " + body())
        .until(d -> body().contains(REFUSED));
    Object status =
        browser.driver.executeScript(
            "return performance.getEntriesByType('navigation')[0].responseStatus;");
    assertThat(status).isEqualTo(403L);
  }

  private static String body() {
    return browser.driver.findElement(By.tagName("body")).getText();
  }
}
