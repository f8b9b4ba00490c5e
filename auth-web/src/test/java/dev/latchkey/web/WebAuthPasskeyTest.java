package dev.latchkey.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.passkey.InMemoryPasskeyStore;
import dev.latchkey.passkey.Passkeys;
import dev.latchkey.passkey.RelyingParty;
import dev.latchkey.passkey.SoftwareAuthenticator;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WebAuthPasskeyTest {
  private static final String ORIGIN = "https://app.example";
  private static final String RP_ID = "app.example";

  private final WebFixture fixture = new WebFixture();
  private final InMemoryPasskeyStore store = spy(new InMemoryPasskeyStore(fixture.clock));
  private final Passkeys passkeys =
      Passkeys.builder(store, new RelyingParty(RP_ID, "Test", Set.of(ORIGIN)))
          .principals(
              s -> fixture.users.findByLoginName(s).map(dev.latchkey.core.UserAccount::principal))
          .clock(fixture.clock)
          .listener(fixture.events::add)
          .build();
  private final WebAuth web = fixture.web(b -> b.passkeys(passkeys));

  private static SoftwareAuthenticator.Answer honest() {
    return new SoftwareAuthenticator.Answer(ORIGIN, RP_ID);
  }

  private WebResponse post(String path, WebFixture.Session s, String json) {
    TestRequest r = TestRequest.post(path);
    if (s != null) {
      r = r.cookie(s.setCookie()).header("X-CSRF-Token", s.csrf());
    }
    return web.handle(json == null ? r : r.json(json)).orElseThrow();
  }

  private static WebFixture.Session session(WebResponse r) {
    return new WebFixture.Session(
        r.header("Set-Cookie").orElseThrow(), WebFixture.field(r.body(), "csrf_token"));
  }

  /** Registers a passkey for alice through the routes; answers its authenticator. */
  private SoftwareAuthenticator register(WebFixture.Session s) {
    SoftwareAuthenticator authenticator = new SoftwareAuthenticator();
    WebResponse options = post("/passkeys/register/options", s, null);
    assertThat(options.status()).isEqualTo(200);
    // The credential's toJSON() with the page's label beside its members.
    String body =
        authenticator
            .register(options.body(), honest())
            .replaceFirst("\\{", "{\"name\":\"laptop\",");
    WebResponse created = post("/passkeys/register", s, body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(WebFixture.field(created.body(), "name")).isEqualTo("laptop");
    return authenticator;
  }

  @Test
  void registerThenLogInWithoutAUserName() {
    WebFixture.Session s = WebFixture.sessionLogin(web);
    SoftwareAuthenticator authenticator = register(s);

    WebResponse options = post("/passkeys/login/options", null, null);
    assertThat(options.status()).isEqualTo(200);
    assertThat(options.header("Cache-Control")).contains("no-store");
    WebResponse login =
        post("/passkeys/login", null, authenticator.assert_(options.body(), honest()));

    assertThat(login.status()).as(login.body()).isEqualTo(200);
    assertThat(WebFixture.field(login.body(), "username")).isEqualTo("alice");
    WebFixture.Session passkeySession = session(login);
    AccessDecision decision =
        web.authenticate(TestRequest.get("/profile").cookie(passkeySession.setCookie()));
    assertThat(decision.principal().orElseThrow().roles()).containsExactly("user");
    assertThat(decision.assurance().orElseThrow().level().name()).isEqualTo("MULTI_FACTOR");
  }

  @Test
  void loginOptionsWithAUserNameCarryItsPasskeys() {
    SoftwareAuthenticator authenticator = register(WebFixture.sessionLogin(web));

    WebResponse options = post("/passkeys/login/options", null, "{\"username\":\"alice\"}");

    assertThat(options.body()).contains(authenticator.id());
    assertThat(post("/passkeys/login/options", null, "{\"username\":7}").status()).isEqualTo(400);
  }

  @Test
  void registrationNeedsTheSessionAndItsCsrfToken() {
    WebFixture.Session s = WebFixture.sessionLogin(web);

    assertThat(post("/passkeys/register/options", null, null).status()).isEqualTo(401);
    assertThat(
            web.handle(TestRequest.post("/passkeys/register/options").cookie(s.setCookie()))
                .orElseThrow()
                .status())
        .isEqualTo(403);
  }

  @Test
  void registrationAnswerIsBoundToTheSessionThatAsked() {
    WebFixture.Session first = WebFixture.sessionLogin(web);
    WebFixture.Session second = WebFixture.sessionLogin(web);
    WebResponse options = post("/passkeys/register/options", first, null);

    WebResponse other =
        post(
            "/passkeys/register",
            second,
            new SoftwareAuthenticator().register(options.body(), honest()));

    assertThat(other.status()).isEqualTo(401);
    assertThat(WebFixture.field(other.body(), "error"))
        .isEqualTo("challenge expired or already used");
  }

  @Test
  void malformedBodiesAreTyped400s() {
    WebFixture.Session s = WebFixture.sessionLogin(web);
    for (String bad :
        new String[] {
          "{",
          "[]",
          "{\"id\":\"%%%\",\"rawId\":\"%%%\",\"type\":\"public-key\",\"response\":{}}",
          "{\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"response\":"
              + "{\"clientDataJSON\":\"not base64!\",\"authenticatorData\":\"AA\",\"signature\":\"AA\"}}",
          "{\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"response\":"
              + "{\"clientDataJSON\":\"e30\",\"attestationObject\":\"v_8\"}}"
        }) {
      WebResponse login = post("/passkeys/login", null, bad);
      assertThat(login.status()).as(bad).isEqualTo(400);
      assertThat(login.body()).startsWith("{\"error\":");
      WebResponse register = post("/passkeys/register", s, bad);
      assertThat(register.status()).as(bad).isEqualTo(400);
    }
    assertThat(web.handle(TestRequest.post("/passkeys/login").body("{}")).orElseThrow().status())
        .isEqualTo(415);
  }

  @Test
  void replayedAssertionIsRefused() {
    SoftwareAuthenticator authenticator = register(WebFixture.sessionLogin(web));
    String assertion =
        authenticator.assert_(post("/passkeys/login/options", null, null).body(), honest());

    assertThat(post("/passkeys/login", null, assertion).status()).isEqualTo(200);
    assertThat(post("/passkeys/login", null, assertion).status()).isEqualTo(401);
  }

  @Test
  void listRenameAndRemoveOnlyTheUsersOwn() {
    WebFixture.Session alice = WebFixture.sessionLogin(web);
    SoftwareAuthenticator authenticator = register(alice);
    WebResponse adminLogin =
        web.handle(
                TestRequest.post("/session-login").json(WebFixture.login("admin", "password123")))
            .orElseThrow();
    WebFixture.Session admin = session(adminLogin);

    WebResponse list =
        web.handle(TestRequest.get("/passkeys").cookie(alice.setCookie())).orElseThrow();
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body()).contains(authenticator.id()).doesNotContain("publicKey");

    String path = "/passkeys/" + authenticator.id();
    TestRequest adminRename =
        TestRequest.of("PATCH", path)
            .cookie(admin.setCookie())
            .header("X-CSRF-Token", admin.csrf())
            .json("{\"name\":\"mine\"}");
    assertThat(web.handle(adminRename).orElseThrow().status()).isEqualTo(404);
    TestRequest adminDelete =
        TestRequest.of("DELETE", path)
            .cookie(admin.setCookie())
            .header("X-CSRF-Token", admin.csrf());
    assertThat(web.handle(adminDelete).orElseThrow().status()).isEqualTo(404);

    TestRequest rename =
        TestRequest.of("PATCH", path)
            .cookie(alice.setCookie())
            .header("X-CSRF-Token", alice.csrf())
            .json("{\"name\":\"phone\"}");
    assertThat(web.handle(rename).orElseThrow().status()).isEqualTo(200);
    TestRequest noCsrf = TestRequest.of("DELETE", path).cookie(alice.setCookie());
    assertThat(web.handle(noCsrf).orElseThrow().status()).isEqualTo(403);
    TestRequest delete =
        TestRequest.of("DELETE", path)
            .cookie(alice.setCookie())
            .header("X-CSRF-Token", alice.csrf());
    assertThat(web.handle(delete).orElseThrow().status()).isEqualTo(204);
    assertThat(
            web.handle(TestRequest.get("/passkeys").cookie(alice.setCookie())).orElseThrow().body())
        .doesNotContain(authenticator.id());
  }

  @Test
  void passkeyRaisesAPendingPasswordSession() {
    WebAuth strict = fixture.web(b -> b.passkeys(passkeys).passkeySecondFactor(true));
    SoftwareAuthenticator alices = register(WebFixture.sessionLogin(web));
    WebResponse adminLogin =
        web.handle(
                TestRequest.post("/session-login").json(WebFixture.login("admin", "password123")))
            .orElseThrow();
    SoftwareAuthenticator admins = register(session(adminLogin));

    WebResponse pendingLogin =
        strict
            .handle(
                TestRequest.post("/session-login").json(WebFixture.login("alice", "wonderland")))
            .orElseThrow();
    assertThat(pendingLogin.body()).contains("\"mfa_required\":true");
    WebFixture.Session pending = session(pendingLogin);
    assertThat(
            strict.authenticate(TestRequest.get("/profile").cookie(pending.setCookie())).allowed())
        .isFalse();

    // the admin's passkey is no second factor for alice's session
    WebResponse options = postTo(strict, "/passkeys/verify/options", pending, null);
    assertThat(options.status()).isEqualTo(200);
    WebResponse wrong =
        postTo(strict, "/passkeys/verify", pending, admins.assert_(options.body(), honest()));
    assertThat(wrong.status()).isEqualTo(401);

    WebResponse again = postTo(strict, "/passkeys/verify/options", pending, null);
    WebResponse raised =
        postTo(strict, "/passkeys/verify", pending, alices.assert_(again.body(), honest()));
    assertThat(raised.status()).as(raised.body()).isEqualTo(200);
    WebFixture.Session full = session(raised);
    AccessDecision decision =
        strict.authenticate(TestRequest.get("/profile").cookie(full.setCookie()));
    assertThat(decision.assurance().orElseThrow().level().name()).isEqualTo("MULTI_FACTOR");
    // the pending id is dead after the raise
    assertThat(
            strict.authenticate(TestRequest.get("/profile").cookie(pending.setCookie())).allowed())
        .isFalse();
  }

  private static WebResponse postTo(WebAuth web, String path, WebFixture.Session s, String json) {
    TestRequest r = TestRequest.post(path).cookie(s.setCookie()).header("X-CSRF-Token", s.csrf());
    return web.handle(json == null ? r : r.json(json)).orElseThrow();
  }

  @Test
  void storeDownIs503() {
    SoftwareAuthenticator authenticator = register(WebFixture.sessionLogin(web));
    String assertion =
        authenticator.assert_(post("/passkeys/login/options", null, null).body(), honest());
    StoreUnavailableException down = new StoreUnavailableException("down");
    doThrow(down).when(store).takeChallenge(anyString(), any());
    doThrow(down).when(store).putChallenge(anyString(), any());

    WebResponse login = post("/passkeys/login", null, assertion);
    assertThat(login.status()).isEqualTo(503);
    assertThat(login.header("Retry-After")).isPresent();
    assertThat(post("/passkeys/login/options", null, null).status()).isEqualTo(503);
  }
}
