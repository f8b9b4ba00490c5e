package dev.latchkey.examples.demo;

import org.openqa.selenium.WebElement;

/**
 * The demo's page at {@code /} in a {@link HeadlessChromium}, driven as a user would: type, click,
 * read what the page shows. Each flow ({@code session} or {@code token}) shows the last answer in
 * elements with fixed ids: {@code <flow>-status}, {@code -message}, {@code -user}, {@code -roles};
 * the status element's {@code data-count} goes up once per finished action.
 */
final class DemoPage {
  private final HeadlessChromium browser;
  private final String url;

  DemoPage(HeadlessChromium browser, int port) {
    this(browser, "http://127.0.0.1:" + port + "/");
  }

  /** The page at {@code url} (passkeys need {@code http://localhost:<port>/}: see the README). */
  DemoPage(HeadlessChromium browser, String url) {
    this.browser = browser;
    this.url = url;
  }

  String url() {
    return url;
  }

  /** Loads the page and waits until its script has run (the login form answers to it). */
  void open() {
    browser.open(url, "session-login-form");
  }

  /** Logs in on {@code flow}'s form; returns the HTTP status the page then shows. */
  String logIn(String flow, String username, String password) {
    WebElement user = browser.byId(flow + "-username");
    user.clear();
    user.sendKeys(username);
    WebElement pass = browser.byId(flow + "-password");
    pass.clear();
    pass.sendKeys(password);
    return click(flow, flow + "-login");
  }

  /** Clicks {@code buttonId}, waits until the page shows the answer, returns its HTTP status. */
  String click(String flow, String buttonId) {
    WebElement status = browser.byId(flow + "-status");
    int before = count(status);
    browser.byId(buttonId).click();
    browser
        .waiting()
        .withMessage(() -> "an answer after clicking " + buttonId)
        .until(d -> count(status) > before);
    return status.getText();
  }

  private static int count(WebElement status) {
    return Integer.parseInt(status.getDomAttribute("data-count"));
  }

  /** What {@code <flow>-<field>} shows: {@code message}, {@code user} or {@code roles}. */
  String shown(String flow, String field) {
    return browser.byId(flow + "-" + field).getText();
  }
}
