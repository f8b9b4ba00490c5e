package dev.latchkey.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Assurance;
import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.PendingLoginStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole flow against a real OpenID provider on a loopback port. */
class OidcLoginIT {
  private static final String CLIENT_ID = "latchkey-app";
  private static final String SECRET = "s3cret-of-the-client";
  private static final URI REDIRECT = URI.create("http://127.0.0.1:9/oidc/callback");
  private static final String CLIENT = "192.0.2.10";

  private MockProvider provider;
  private TestClock clock;
  private PendingLoginStore store;

  @BeforeEach
  void start() throws IOException {
    provider = new MockProvider();
    // The provider stamps tokens with the system time; our clock starts there too.
    clock = new TestClock(Instant.now());
    store = InMemoryPendingLoginStore.create();
  }

  @AfterEach
  void stop() {
    provider.close();
  }

  private OidcLogin.Builder builder() {
    return OidcLogin.builder(provider.issuer(), CLIENT_ID, SECRET, REDIRECT, store)
        .clock(clock)
        .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(3));
  }

  private OidcLogin login() {
    return builder().build();
  }

  private static OidcOutcome.Redirect redirect(OidcOutcome outcome) {
    assertThat(outcome.refusal()).isEmpty();
    return outcome.redirect().orElseThrow();
  }

  private static Map<String, String> params(String query) {
    Map<String, String> out = new HashMap<>();
    for (String pair : query.split("&", -1)) {
      int eq = pair.indexOf('=');
      out.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static OidcOutcome.Problem problem(OidcOutcome outcome) {
    return outcome.refusal().orElseThrow(() -> new AssertionError(outcome)).problem();
  }

  @Test
  void aLoginRoundTripSignsInTheIssuerQualifiedSubject() throws Exception {
    OidcLogin oidc = login();
    OidcOutcome.Redirect start = redirect(oidc.begin(CLIENT));
    Map<String, String> sent = params(start.location().getRawQuery());
    assertThat(sent)
        .containsEntry("response_type", "code")
        .containsEntry("client_id", CLIENT_ID)
        .containsEntry("redirect_uri", REDIRECT.toString())
        .containsEntry("code_challenge_method", "S256")
        .containsKeys("state", "nonce", "code_challenge");
    assertThat(sent.get("scope").split(" ", -1)).contains("openid");
    assertThat(sent.get("nonce")).matches("[A-Za-z0-9_-]{43}");
    assertThat(sent.get("state")).matches("[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{3}");
    assertThat(sent.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
    assertThat(start.location().toString()).startsWith(provider.issuer().toString());

    provider.server.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            MockProvider.ISSUER_ID, "user-42", "JWT", List.of(CLIENT_ID), Map.of(), 3600));
    String callback = provider.authorize(start.location());
    assertThat(params(callback)).containsEntry("state", sent.get("state")).containsKey("code");

    OidcOutcome.SignedIn in =
        oidc.complete(callback, start.browserBinding()).signedIn().orElseThrow();
    assertThat(in.principal().subject()).isEqualTo(oidc.issuer() + "#user-42");
    assertThat(in.subject()).isEqualTo("user-42");
    assertThat(in.issuer()).isEqualTo(provider.issuer().toString());
    assertThat(in.level()).isEqualTo(Assurance.Level.SINGLE_FACTOR);
  }

  @Test
  void theSameCallbackTwiceIsRefusedTheSecondTime() throws Exception {
    OidcLogin oidc = login();
    OidcOutcome.Redirect start = redirect(oidc.begin(CLIENT));
    String callback = provider.authorize(start.location());
    assertThat(oidc.complete(callback, start.browserBinding()).signedIn()).isPresent();
    assertThat(problem(oidc.complete(callback, start.browserBinding())))
        .isEqualTo(OidcOutcome.Problem.INVALID_STATE);
  }

  @Test
  void aReplayedCodeIsRefusedByTheProvider() throws Exception {
    OidcLogin oidc = login();
    OidcOutcome.Redirect first = redirect(oidc.begin(CLIENT));
    String firstCallback = provider.authorize(first.location());
    assertThat(oidc.complete(firstCallback, first.browserBinding()).signedIn()).isPresent();
    // A fresh, valid login of the same browser, finished with the first login's code.
    OidcOutcome.Redirect second = redirect(oidc.begin(CLIENT));
    String state = params(second.location().getRawQuery()).get("state");
    String code = params(firstCallback).get("code");
    OidcOutcome replay = oidc.complete("state=" + state + "&code=" + code, second.browserBinding());
    assertThat(problem(replay))
        .isIn(OidcOutcome.Problem.CODE_REJECTED, OidcOutcome.Problem.INVALID_ID_TOKEN);
  }

  @Test
  void aForgedOrMissingStateIsRefused() {
    OidcLogin oidc = login();
    redirect(oidc.begin(CLIENT));
    String forged = "A".repeat(43) + ".AAA";
    assertThat(problem(oidc.complete("state=" + forged + "&code=x", "b")))
        .isEqualTo(OidcOutcome.Problem.INVALID_STATE);
    assertThat(problem(oidc.complete("code=x", "b"))).isEqualTo(OidcOutcome.Problem.INVALID_STATE);
    assertThat(problem(oidc.complete(null, null))).isEqualTo(OidcOutcome.Problem.INVALID_STATE);
    assertThat(problem(oidc.complete("state=%zz&state=1&&==", null)))
        .isEqualTo(OidcOutcome.Problem.INVALID_STATE);
    assertThat(problem(oidc.complete("state=" + "x".repeat(20_000), null)))
        .isEqualTo(OidcOutcome.Problem.INVALID_STATE);
  }

  @Test
  void aStateExpiredByTheClockIsRefused() throws Exception {
    OidcLogin oidc = login();
    OidcOutcome.Redirect start = redirect(oidc.begin(CLIENT));
    String callback = provider.authorize(start.location());
    clock.advance(oidc.loginTimeout());
    assertThat(problem(oidc.complete(callback, start.browserBinding())))
        .isEqualTo(OidcOutcome.Problem.INVALID_STATE);
  }

  @Test
  void aMissingOrDifferentBrowserBindingIsRefusedAndBurnsTheState() throws Exception {
    OidcLogin oidc = login();
    OidcOutcome.Redirect start = redirect(oidc.begin(CLIENT));
    String callback = provider.authorize(start.location());
    assertThat(problem(oidc.complete(callback, null)))
        .isEqualTo(OidcOutcome.Problem.BROWSER_MISMATCH);
    // The state is spent: not even the right browser can use it afterwards.
    assertThat(problem(oidc.complete(callback, start.browserBinding())))
        .isEqualTo(OidcOutcome.Problem.INVALID_STATE);

    OidcOutcome.Redirect other = redirect(oidc.begin(CLIENT));
    OidcOutcome.Redirect mine = redirect(oidc.begin(CLIENT));
    String swapped = provider.authorize(mine.location());
    assertThat(problem(oidc.complete(swapped, other.browserBinding())))
        .isEqualTo(OidcOutcome.Problem.BROWSER_MISMATCH);
  }

  @Test
  void aProviderErrorIsTypedAndEchoesNothing() {
    OidcLogin oidc = login();
    OidcOutcome.Redirect start = redirect(oidc.begin(CLIENT));
    String state = params(start.location().getRawQuery()).get("state");
    OidcOutcome out =
        oidc.complete(
            "state=" + state + "&error=access_denied&error_description=%3Cscript%3E",
            start.browserBinding());
    assertThat(problem(out)).isEqualTo(OidcOutcome.Problem.PROVIDER_ERROR);
    assertThat(out.toString()).doesNotContain("script").doesNotContain(state);
  }

  @Test
  void aWrongNonceIsRefused() throws Exception {
    OidcLogin oidc = login();
    OidcOutcome.Redirect start = redirect(oidc.begin(CLIENT));
    provider.server.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            MockProvider.ISSUER_ID,
            "user-42",
            "JWT",
            List.of(CLIENT_ID),
            Map.of("nonce", "not-the-nonce-of-this-login"),
            3600));
    String callback = provider.authorize(start.location());
    assertThat(problem(oidc.complete(callback, start.browserBinding())))
        .isEqualTo(OidcOutcome.Problem.INVALID_ID_TOKEN);
  }

  @Test
  void aTokenOfAnotherIssuerIsRefused() throws Exception {
    OidcLogin oidc = login();
    OidcOutcome.Redirect start = redirect(oidc.begin(CLIENT));
    provider.server.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            MockProvider.ISSUER_ID,
            "user-42",
            "JWT",
            List.of(CLIENT_ID),
            Map.of("iss", "https://evil.example"),
            3600));
    String callback = provider.authorize(start.location());
    assertThat(problem(oidc.complete(callback, start.browserBinding())))
        .isEqualTo(OidcOutcome.Problem.INVALID_ID_TOKEN);
  }

  @Test
  void anIdTokenExpiredByOurClockIsRefused() throws Exception {
    OidcLogin oidc = builder().maxClockSkew(Duration.ofSeconds(30)).build();
    OidcOutcome.Redirect start = redirect(oidc.begin(CLIENT));
    provider.server.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            MockProvider.ISSUER_ID, "user-42", "JWT", List.of(CLIENT_ID), Map.of(), 60));
    String callback = provider.authorize(start.location());
    // Past exp plus the skew, still within the login's ten minutes.
    clock.advance(Duration.ofMinutes(3));
    assertThat(problem(oidc.complete(callback, start.browserBinding())))
        .isEqualTo(OidcOutcome.Problem.INVALID_ID_TOKEN);
  }

  @Test
  void anAmrOfMfaSignsInMultiFactorOnlyWhenTheApplicationOptsIn() throws Exception {
    for (boolean trust : new boolean[] {false, true}) {
      OidcLogin oidc = builder().multiFactorFromAmr(trust).build();
      OidcOutcome.Redirect start = redirect(oidc.begin(CLIENT));
      provider.server.enqueueCallback(
          new DefaultOAuth2TokenCallback(
              MockProvider.ISSUER_ID,
              "user-42",
              "JWT",
              List.of(CLIENT_ID),
              Map.of("amr", List.of("pwd", "mfa")),
              3600));
      String callback = provider.authorize(start.location());
      OidcOutcome.SignedIn in =
          oidc.complete(callback, start.browserBinding()).signedIn().orElseThrow();
      assertThat(in.level())
          .isEqualTo(trust ? Assurance.Level.MULTI_FACTOR : Assurance.Level.SINGLE_FACTOR);
    }
  }

  @Test
  void userInfoIsReadWhenAskedAndAnUnlinkedUserIsRefused() throws Exception {
    List<Map<String, Object>> seen = new ArrayList<>();
    OidcLogin oidc =
        builder()
            .userInfo(true)
            .subjectMapper(
                (issuer, subject, claims) -> {
                  seen.add(claims);
                  return Optional.empty();
                })
            .build();
    OidcOutcome.Redirect start = redirect(oidc.begin(CLIENT));
    String callback = provider.authorize(start.location());
    assertThat(problem(oidc.complete(callback, start.browserBinding())))
        .isEqualTo(OidcOutcome.Problem.NOT_LINKED);
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0)).containsKey("sub");
    assertThat(OidcOutcome.Problem.NOT_LINKED.httpStatus()).isEqualTo(403);
  }

  @Test
  void aProviderThatIsDownIsUnavailableWithinTheTimeouts() throws Exception {
    OidcLogin oidc = login();
    OidcOutcome.Redirect start = redirect(oidc.begin(CLIENT));
    String callback = provider.authorize(start.location());
    provider.close();
    long t0 = System.nanoTime();
    OidcOutcome out = oidc.complete(callback, start.browserBinding());
    assertThat(problem(out)).isEqualTo(OidcOutcome.Problem.UNAVAILABLE);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(6));
    assertThat(OidcOutcome.Problem.UNAVAILABLE.httpStatus()).isEqualTo(503);
  }

  @Test
  void aProviderThatNeverAnswersIsUnavailableWithinTheReadTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ExecutorService accept = Executors.newSingleThreadExecutor();
      List<Socket> held = new ArrayList<>();
      Future<?> acceptor =
          accept.submit(
              () -> {
                while (!silent.isClosed()) {
                  Socket s = silent.accept();
                  held.add(s); // read nothing, answer nothing
                }
                return null;
              });
      try {
        URI issuer = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/slow");
        OidcLogin oidc =
            OidcLogin.builder(issuer, CLIENT_ID, SECRET, REDIRECT, store)
                .clock(clock)
                .timeouts(Duration.ofMillis(500), Duration.ofMillis(400))
                .build();
        long t0 = System.nanoTime();
        assertThat(problem(oidc.begin(CLIENT))).isEqualTo(OidcOutcome.Problem.UNAVAILABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        // Within the retry interval the next start fails at once, without waiting again.
        long t1 = System.nanoTime();
        assertThat(problem(oidc.begin(CLIENT))).isEqualTo(OidcOutcome.Problem.UNAVAILABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofMillis(300));
      } finally {
        acceptor.cancel(true);
        accept.shutdownNow();
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }

  @Test
  void metadataNamingAnotherIssuerIsRefused() {
    // The provider's metadata names the issuer without the trailing slash: not equal.
    URI slash = URI.create(provider.issuer() + "/");
    OidcLogin oidc =
        OidcLogin.builder(slash, CLIENT_ID, SECRET, REDIRECT, store).clock(clock).build();
    assertThat(problem(oidc.begin(CLIENT))).isEqualTo(OidcOutcome.Problem.UNAVAILABLE);
  }

  @Test
  void aFloodOfStartsFromOneClientKeepsOnlyTheNewest() throws Exception {
    OidcLogin oidc = builder().maxPendingPerClient(3).build();
    List<OidcOutcome.Redirect> starts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      starts.add(redirect(oidc.begin(CLIENT)));
      clock.advance(Duration.ofMillis(5));
    }
    String oldest = provider.authorize(starts.get(0).location());
    assertThat(problem(oidc.complete(oldest, starts.get(0).browserBinding())))
        .isEqualTo(OidcOutcome.Problem.INVALID_STATE);
    String newest = provider.authorize(starts.get(9).location());
    assertThat(oidc.complete(newest, starts.get(9).browserBinding()).signedIn()).isPresent();
  }

  @Test
  void concurrentCallbacksWithOneStateSignInOnce() throws Exception {
    OidcLogin oidc = login();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (int round = 0; round < 3; round++) {
        OidcOutcome.Redirect start = redirect(oidc.begin(CLIENT));
        String callback = provider.authorize(start.location());
        CyclicBarrier barrier = new CyclicBarrier(6);
        List<Future<OidcOutcome>> outs = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
          outs.add(
              pool.submit(
                  () -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    return oidc.complete(callback, start.browserBinding());
                  }));
        }
        int signedIn = 0;
        for (Future<OidcOutcome> f : outs) {
          OidcOutcome o = f.get(30, TimeUnit.SECONDS);
          if (o.signedIn().isPresent()) {
            signedIn++;
          } else {
            assertThat(problem(o)).isEqualTo(OidcOutcome.Problem.INVALID_STATE);
          }
        }
        assertThat(signedIn).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void everyFinishedCallbackIsOneEventWithoutASecret() throws Exception {
    List<AuthEvent> events = new CopyOnWriteArrayList<>();
    OidcLogin oidc = builder().listener(events::add).build();
    OidcOutcome.Redirect start = redirect(oidc.begin(CLIENT));
    String callback = provider.authorize(start.location());
    oidc.complete(callback, start.browserBinding());
    oidc.complete(callback, start.browserBinding());
    assertThat(events).hasSize(2);
    AuthEvent.Succeeded ok = (AuthEvent.Succeeded) events.get(0);
    assertThat(ok.method()).isEqualTo(OidcLogin.METHOD);
    assertThat(ok.subject()).startsWith(oidc.issuer() + "#");
    AuthEvent.Failed refused = (AuthEvent.Failed) events.get(1);
    assertThat(refused.reason()).isEqualTo(AuthResult.Reason.MALFORMED);
    String code = params(callback).get("code");
    assertThat(events.toString())
        .doesNotContain(code)
        .doesNotContain(start.browserBinding())
        .doesNotContain(params(callback).get("state"));
  }

  @Test
  void noSecretInStrings() {
    OidcLogin oidc = login();
    OidcOutcome.Redirect start = redirect(oidc.begin(CLIENT));
    assertThat(oidc.toString()).doesNotContain(SECRET);
    assertThat(start.toString())
        .doesNotContain(start.browserBinding())
        .doesNotContain(params(start.location().getRawQuery()).get("state"));
  }

  @Test
  void insecureSettingsFailAtBuildTime() {
    Clock c = clock;
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                OidcLogin.builder(
                    URI.create("http://idp.example"), CLIENT_ID, SECRET, REDIRECT, store))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder().clock(c).algorithms("HS256"))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder().algorithms("none"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
