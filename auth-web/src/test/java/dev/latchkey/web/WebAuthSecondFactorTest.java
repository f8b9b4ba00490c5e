package dev.latchkey.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.account.InMemorySecondFactorStore;
import dev.latchkey.account.SecondFactors;
import dev.latchkey.account.Totp;
import dev.latchkey.core.Assurance;
import dev.latchkey.token.RefreshTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WebAuthSecondFactorTest {
  private static final byte[] KEY = new byte[32];

  private final WebFixture fixture = new WebFixture();
  private final SecondFactors factors =
      SecondFactors.builder(new InMemorySecondFactorStore(), "Test", "k1", KEY)
          .clock(fixture.clock)
          .build();
  private final WebAuth web = fixture.web(b -> b.secondFactors(factors));

  private WebResponse post(String path, WebFixture.Session s, String json) {
    TestRequest r = TestRequest.post(path).cookie(s.setCookie()).header("X-CSRF-Token", s.csrf());
    return web.handle(json == null ? r : r.json(json)).orElseThrow();
  }

  private static WebFixture.Session session(WebResponse r) {
    return new WebFixture.Session(
        r.header("Set-Cookie").orElseThrow(), WebFixture.field(r.body(), "csrf_token"));
  }

  private String code(String secret) {
    return Totp.DEFAULT.code(secret, fixture.clock.instant());
  }

  private void nextStep() {
    fixture.clock.advance(Duration.ofSeconds(30));
  }

  /** Enrolls and activates alice's TOTP; answers {secret, recovery codes...}. */
  private List<String> enrollAlice() {
    WebFixture.Session s = WebFixture.sessionLogin(web);
    WebResponse enrolled = post("/mfa/totp/enroll", s, null);
    assertThat(enrolled.status()).isEqualTo(200);
    String secret = WebFixture.field(enrolled.body(), "secret");
    assertThat(WebFixture.field(enrolled.body(), "otpauth_uri")).startsWith("otpauth://totp/");
    WebResponse activated = post("/mfa/totp/activate", s, "{\"code\":\"" + code(secret) + "\"}");
    assertThat(activated.status()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    out.add(secret);
    Matcher m = Pattern.compile("[0-9A-Z]{5}-[0-9A-Z]{5}").matcher(activated.body());
    while (m.find()) {
      out.add(m.group());
    }
    assertThat(out).hasSize(11);
    nextStep();
    return out;
  }

  private WebResponse loginAlice() {
    return web.handle(
            TestRequest.post("/session-login").json(WebFixture.login("alice", "wonderland")))
        .orElseThrow();
  }

  @Test
  void enrollmentNeedsAFullSessionAndItsCsrfToken() {
    WebFixture.Session s = WebFixture.sessionLogin(web);

    assertThat(
            web.handle(TestRequest.post("/mfa/totp/enroll").cookie(s.setCookie()))
                .orElseThrow()
                .status())
        .isEqualTo(403);
    assertThat(web.handle(TestRequest.post("/mfa/totp/enroll")).orElseThrow().status())
        .isEqualTo(401);
  }

  @Test
  void loginOfAnEnrolledUserIsPendingUntilTheSecondFactor() {
    String secret = enrollAlice().get(0);

    WebResponse login = loginAlice();
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.body()).contains("\"mfa_required\":true");
    WebFixture.Session pending = session(login);

    AccessDecision before =
        web.authenticate(TestRequest.get("/profile").cookie(pending.setCookie()));
    assertThat(before.allowed()).isFalse();
    assertThat(before.refusal().orElseThrow().status()).isEqualTo(401);
    assertThat(before.refusal().orElseThrow().body()).contains("mfa_required");
    assertThat(post("/logout-everywhere", pending, null).status()).isEqualTo(401);
    assertThat(post("/mfa/totp/enroll", pending, null).body()).contains("mfa_required");

    WebResponse verified = post("/mfa/verify", pending, "{\"code\":\"" + code(secret) + "\"}");
    assertThat(verified.status()).isEqualTo(200);
    WebFixture.Session full = session(verified);
    assertThat(full.setCookie()).isNotEqualTo(pending.setCookie());

    assertThat(web.authenticate(TestRequest.get("/profile").cookie(full.setCookie())).allowed())
        .isTrue();
    assertThat(web.authenticate(TestRequest.get("/profile").cookie(pending.setCookie())).allowed())
        .as("the pending id is dead once raised")
        .isFalse();
  }

  @Test
  void rememberMeAskedAtAPendingLoginIsSetOnlyOnceTheSecondFactorIsGiven() {
    RememberMe remember =
        RememberMe.builder(RefreshTokens.inMemoryStore(fixture.clock), fixture.sessions)
            .clock(fixture.clock)
            .build();
    WebAuth both = fixture.web(b -> b.secondFactors(factors).rememberMe(remember));
    String secret = enrollAlice().get(0);

    WebResponse login =
        both.handle(
                TestRequest.post("/session-login")
                    .json(
                        "{\"username\":\"alice\",\"password\":\"wonderland\",\"remember_me\":true}"))
            .orElseThrow();
    assertThat(login.body()).contains("\"mfa_required\":true");
    assertThat(rememberCookie(login)).as("the password alone earns no remember-me cookie").isNull();
    WebFixture.Session pending = session(login);

    WebResponse verified =
        both.handle(
                TestRequest.post("/mfa/verify")
                    .cookie(pending.setCookie())
                    .header("X-CSRF-Token", pending.csrf())
                    .json("{\"code\":\"" + code(secret) + "\"}"))
            .orElseThrow();
    assertThat(verified.status()).isEqualTo(200);
    String cookie = rememberCookie(verified);
    assertThat(cookie).contains("HttpOnly");

    AccessDecision restored = both.authenticate(TestRequest.get("/profile").cookie(cookie));
    assertThat(restored.allowed()).isTrue();
    assertThat(restored.assurance().orElseThrow().level()).isEqualTo(Assurance.Level.REMEMBERED);
  }

  private static String rememberCookie(WebResponse r) {
    return r.headers().stream()
        .filter(h -> h.name().equals("Set-Cookie") && h.value().startsWith("__Host-remember="))
        .map(WebResponse.Header::value)
        .findFirst()
        .orElse(null);
  }

  @Test
  void aCodeIsGoodOnceAndARecoveryCodeToo() {
    List<String> enrolled = enrollAlice();
    String code = code(enrolled.get(0));
    WebFixture.Session first = session(loginAlice());
    WebFixture.Session second = session(loginAlice());

    assertThat(post("/mfa/verify", first, "{\"code\":\"" + code + "\"}").status()).isEqualTo(200);
    assertThat(post("/mfa/verify", second, "{\"code\":\"" + code + "\"}").status()).isEqualTo(401);
    String recovery = enrolled.get(1);
    assertThat(post("/mfa/verify", second, "{\"code\":\"" + recovery + "\"}").status())
        .isEqualTo(200);
    WebFixture.Session third = session(loginAlice());
    assertThat(post("/mfa/verify", third, "{\"code\":\"" + recovery + "\"}").status())
        .isEqualTo(401);
  }

  @Test
  void verifyNeedsThePendingSessionsCsrfToken() {
    String secret = enrollAlice().get(0);
    WebFixture.Session pending = session(loginAlice());

    WebResponse r =
        web.handle(
                TestRequest.post("/mfa/verify")
                    .cookie(pending.setCookie())
                    .json("{\"code\":\"" + code(secret) + "\"}"))
            .orElseThrow();

    assertThat(r.status()).isEqualTo(403);
  }

  @Test
  void tokenLoginOfAnEnrolledUserNeedsTheCode() {
    String secret = enrollAlice().get(0);

    WebResponse without =
        web.handle(TestRequest.post("/token-login").json(WebFixture.login("alice", "wonderland")))
            .orElseThrow();
    WebResponse wrong =
        web.handle(
                TestRequest.post("/token-login")
                    .json(
                        "{\"username\":\"alice\",\"password\":\"wonderland\",\"code\":\"000000\"}"))
            .orElseThrow();
    WebResponse right =
        web.handle(
                TestRequest.post("/token-login")
                    .json(
                        "{\"username\":\"alice\",\"password\":\"wonderland\",\"code\":\""
                            + code(secret)
                            + "\"}"))
            .orElseThrow();

    assertThat(without.status()).isEqualTo(401);
    assertThat(without.body()).contains("mfa_required");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain("mfa_required");
    assertThat(right.status()).isEqualTo(200);
    String access = WebFixture.field(right.body(), "access_token");
    AccessDecision d = web.authenticate(TestRequest.get("/profile").bearer(access));
    assertThat(d.principal().orElseThrow().attributes()).containsEntry("amr", "mfa");
  }

  @Test
  void usersWithoutASecondFactorLogInAsBefore() {
    enrollAlice();

    WebResponse admin =
        web.handle(
                TestRequest.post("/session-login").json(WebFixture.login("admin", "password123")))
            .orElseThrow();

    assertThat(admin.body()).doesNotContain("mfa_required");
    assertThat(
            web.authenticate(TestRequest.get("/p").cookie(admin.header("Set-Cookie").orElseThrow()))
                .allowed())
        .isTrue();
  }

  @Test
  void stepUpRefusesAWeakOrOldAuthenticationUntilTheSecondFactor() {
    WebFixture.Session single = WebFixture.sessionLogin(web);
    String secret = enrollAlice().get(0);

    AccessDecision weak =
        web.requireAssurance(
            TestRequest.get("/sensitive").cookie(single.setCookie()),
            Assurance.Level.MULTI_FACTOR,
            Duration.ofMinutes(5));
    assertThat(weak.refusal().orElseThrow().status()).isEqualTo(401);
    assertThat(weak.refusal().orElseThrow().body()).contains("step_up_required");

    WebResponse raised = post("/mfa/verify", single, "{\"code\":\"" + code(secret) + "\"}");
    WebFixture.Session strong = session(raised);
    assertThat(
            web.requireAssurance(
                    TestRequest.get("/sensitive").cookie(strong.setCookie()),
                    Assurance.Level.MULTI_FACTOR,
                    Duration.ofMinutes(5))
                .allowed())
        .isTrue();

    fixture.clock.advance(Duration.ofMinutes(6));
    AccessDecision old =
        web.requireAssurance(
            TestRequest.get("/sensitive").cookie(strong.setCookie()),
            Assurance.Level.MULTI_FACTOR,
            Duration.ofMinutes(5));
    assertThat(old.refusal().orElseThrow().body()).contains("step_up_required");
    assertThat(web.authenticate(TestRequest.get("/p").cookie(strong.setCookie())).allowed())
        .isTrue();
  }

  @Test
  void aPendingSessionCanBeAbandoned() {
    enrollAlice();
    WebFixture.Session pending = session(loginAlice());

    assertThat(post("/session-logout", pending, null).status()).isEqualTo(200);

    assertThat(post("/mfa/verify", pending, "{\"code\":\"000000\"}").status()).isEqualTo(401);
  }

  @Test
  void wrongCodesAreThrottled() {
    enrollAlice();
    WebFixture.Session pending = session(loginAlice());
    int last = 0;
    for (int i = 0; i < 6; i++) {
      WebResponse r = post("/mfa/verify", pending, "{\"code\":\"000000\"}");
      last = r.status();
    }
    assertThat(last).isEqualTo(429);
  }

  @Test
  void withoutSecondFactorsTheRoutesAreNotMounted() {
    WebAuth plain = fixture.web();

    assertThat(plain.handle(TestRequest.post("/mfa/verify"))).isEmpty();
  }
}
