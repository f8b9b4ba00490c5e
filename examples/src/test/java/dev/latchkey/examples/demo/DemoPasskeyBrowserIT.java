package dev.latchkey.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.virtualauthenticator.Credential;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * Passkeys on the demo's page in a real browser, with Chromium's virtual authenticator (CTAP2, a
 * platform authenticator holding discoverable credentials and verifying its user): a password login
 * registers a passkey, and after logging out the passkey alone logs the user in again. The page is
 * served at {@code http://localhost:<port>}, the demo's default relying party.
 */
class DemoPasskeyBrowserIT {
  static DemoServer server;
  static HeadlessChromium browser;
  static DemoPage page;
  static VirtualAuthenticator authenticator;

  @BeforeAll
  static void start() throws Exception {
    server = DemoServerIT.startInMemory();
    browser = HeadlessChromium.start();
    page = new DemoPage(browser, "http://localhost:" + server.port() + "/");
    authenticator =
        browser.driver.addVirtualAuthenticator(
            new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true));
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
  void aPasskeyRegisteredAfterAPasswordLoginLogsTheUserInAlone() throws Exception {
    page.open();
    assertThat(browser.byId("passkey-register").isDisplayed())
        .as("registering needs a logged-in user")
        .isFalse();

    assertThat(page.logIn("session", "alice", "wonderland")).isEqualTo("200");
    assertThat(page.click("session", "passkey-register")).isEqualTo("201");
    assertThat(page.shown("session", "message")).isEqualTo("passkey registered");
    List<Credential> held = authenticator.getCredentials();
    assertThat(held).hasSize(1);
    assertThat(held.get(0).isResidentCredential()).isTrue();
    assertThat(held.get(0).getRpId()).isEqualTo("localhost");

    assertThat(page.click("session", "session-logout")).isEqualTo("200");
    assertThat(page.shown("session", "user")).isEmpty();
    assertThat(page.click("session", "session-profile")).isEqualTo("401");

    assertThat(page.click("session", "passkey-login")).isEqualTo("200");
    assertThat(page.shown("session", "user")).isEqualTo("alice");
    assertThat(page.shown("session", "roles")).isEqualTo("user");
    assertThat(profile()).containsEntry("assurance", "MULTI_FACTOR");
    assertThat(authenticator.getCredentials().get(0).getSignCount()).isPositive();
    browser.screenshot("passkey-logged-in");

    // The passkey is listed for its owner, without key material.
    Map<String, Object> listed = fetch("/passkeys");
    assertThat(String.valueOf(listed.get("passkeys"))).contains("demo passkey");
  }

  @Test
  void aPasskeyTheServerDoesNotKnowLogsNoOneIn() {
    page.open();
    authenticator.removeAllCredentials();
    // A resident credential for this RP that the server never registered.
    authenticator.addCredential(
        Credential.createResidentCredential(
            new byte[] {1, 2, 3, 4, 5, 6, 7, 8},
            "localhost",
            newP256Key(),
            new byte[] {9, 9, 9},
            0));

    assertThat(page.click("session", "passkey-login")).isEqualTo("401");
    assertThat(page.shown("session", "user")).isEmpty();
    authenticator.removeAllCredentials();
  }

  /** GET {@code path} from the page, with its cookie: the parsed JSON answer. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> fetch(String path) {
    return (Map<String, Object>)
        browser.driver.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "fetch(arguments[0], {credentials: 'same-origin'})"
                + ".then(r => r.json()).then(done, e => done({error: String(e)}));",
            path);
  }

  private static Map<String, Object> profile() {
    return fetch("/session-profile");
  }

  private static java.security.spec.PKCS8EncodedKeySpec newP256Key() {
    try {
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
      g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
      return new java.security.spec.PKCS8EncodedKeySpec(
          g.generateKeyPair().getPrivate().getEncoded());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
