package dev.latchkey.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The page's "Sign in with ..." link in a real browser: to the provider (another site) and back,
 * the browser-binding cookie sent on the way back (SameSite=Lax) and dropped, a session at the end.
 */
class DemoOidcBrowserIT {
  static final MockOAuth2Server PROVIDER = new MockOAuth2Server();
  static DemoServer server;
  static HeadlessChromium browser;
  static DemoPage page;

  @BeforeAll
  static void start() throws Exception {
    PROVIDER.start(InetAddress.getLoopbackAddress(), 0);
    DemoSettings.Oidc oidc =
        new DemoSettings.Oidc(
            PROVIDER.issuerUrl("browser").toString(), "latchkey-demo", "demo-client-secret", null);
    server =
        DemoServer.start(
            new DemoSettings(
                0, null, DemoServerIT.SECRET, false, 4, Clock.systemUTC(), false, oidc, List.of()));
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
      server.close();
      PROVIDER.shutdown();
    }
  }

  @Test
  void theSignInLinkGoesToTheProviderAndBackToASession() throws Exception {
    page.open();
    assertThat(browser.byId("oidc-login").getText()).isEqualTo("Sign in with localhost");

    browser.byId("oidc-login").click();
    browser.waiting().until(ExpectedConditions.urlToBe(page.url()));
    browser
        .waiting()
        .until(ExpectedConditions.presenceOfElementLocated(By.id("session-login-form")));

    Cookie sid = browser.driver.manage().getCookieNamed("sid");
    assertThat(sid).as("the session cookie").isNotNull();
    assertThat(sid.isHttpOnly()).isTrue();
    assertThat(browser.driver.manage().getCookieNamed("latchkey-oidc"))
        .as("the binding cookie, used up")
        .isNull();

    assertThat(page.click("session", "session-profile")).isEqualTo("200");
    assertThat(page.shown("session", "user")).startsWith(PROVIDER.issuerUrl("browser") + "#");
    browser.screenshot("oidc-signed-in");
  }
}
