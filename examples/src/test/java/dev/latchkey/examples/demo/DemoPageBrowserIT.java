package dev.latchkey.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;

/** The demo's page in a real browser: both flows end to end, as a user clicks through them. */
class DemoPageBrowserIT {
  static DemoServer server;
  static HeadlessChromium browser;
  static DemoPage page;

  @BeforeAll
  static void start() throws Exception {
    server = DemoServerIT.startInMemory();
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
    }
  }

  @Test
  void aSessionLogsInShowsTheProfileKeepsTheCookieFromScriptsAndLogsOut() throws Exception {
    page.open();

    assertThat(page.logIn("session", "alice", "wonderland")).isEqualTo("200");
    assertThat(page.shown("session", "user")).isEqualTo("alice");
    assertThat(page.shown("session", "roles")).isEqualTo("user");
    Path shot = browser.screenshot("session-logged-in");
    assertThat(Files.readAllBytes(shot)).startsWith(0x89, 'P', 'N', 'G');

    Cookie sid = browser.driver.manage().getCookieNamed("sid");
    assertThat(sid).as("the session cookie").isNotNull();
    assertThat(sid.isHttpOnly()).isTrue();
    assertThat(sid.getSameSite()).isEqualTo("Lax");
    Object scriptCookies = browser.driver.executeScript("return document.cookie;");
    assertThat(String.valueOf(scriptCookies)).doesNotContain("sid").doesNotContain(sid.getValue());
    assertThat(storedByThePage()).as("the CSRF token is kept in memory only").isZero();

    assertThat(page.click("session", "session-profile")).isEqualTo("200");
    assertThat(page.shown("session", "user")).isEqualTo("alice");

    assertThat(page.click("session", "session-logout")).isEqualTo("200");
    assertThat(page.shown("session", "message")).isEqualTo("logged out");
    assertThat(page.shown("session", "user")).isEmpty();
    assertThat(browser.driver.manage().getCookieNamed("sid")).isNull();

    assertThat(page.click("session", "session-profile")).isEqualTo("401");
    assertThat(page.shown("session", "message")).isEqualTo("not logged in");
    // The cookie the browser dropped is dead on the server too, not merely forgotten.
    HttpResponse<String> replay =
        new DemoHttp(server.port()).get("/session-profile", "Cookie", "sid=" + sid.getValue());
    assertThat(replay.statusCode()).isEqualTo(401);
  }

  @Test
  void aWrongPasswordShowsTheRefusalAndNoUser() {
    page.open();

    assertThat(page.logIn("session", "alice", "not-her-password")).isEqualTo("401");
    assertThat(page.shown("session", "message")).isNotBlank();
    assertThat(page.shown("session", "user")).isEmpty();
    assertThat(browser.byId("session-status").getDomAttribute("class")).contains("error");
  }

  @Test
  void tokensLogInRefreshAndAreRefusedAfterLogout() throws Exception {
    page.open();

    assertThat(page.logIn("token", "alice", "wonderland")).isEqualTo("200");
    assertThat(page.shown("token", "user")).isEqualTo("alice");
    browser.screenshot("token-logged-in");
    assertThat(storedByThePage()).as("the tokens are kept in memory only").isZero();

    assertThat(page.click("token", "token-refresh")).isEqualTo("200");
    assertThat(page.shown("token", "message")).startsWith("new tokens");
    assertThat(page.click("token", "token-profile")).isEqualTo("200");
    assertThat(page.shown("token", "user")).isEqualTo("alice");
    // The refresh token was rotated and the page kept the new one: a second refresh works too.
    assertThat(page.click("token", "token-refresh")).isEqualTo("200");

    assertThat(page.click("token", "token-logout")).isEqualTo("200");
    assertThat(page.shown("token", "user")).isEmpty();
    // The page still holds the last access token: the server now refuses it.
    assertThat(page.click("token", "token-profile")).isEqualTo("401");
    assertThat(page.shown("token", "message")).isEqualTo("invalid token");
    assertThat(page.shown("token", "user")).isEmpty();
  }

  /** How many entries the page put in localStorage and sessionStorage together. */
  private static long storedByThePage() {
    return (Long)
        browser.driver.executeScript("return localStorage.length + sessionStorage.length;");
  }
}
