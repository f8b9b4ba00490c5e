package dev.latchkey.web;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.InMemoryUserDirectory;
import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.PasswordAuthenticator;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.Principal;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.ThrottlePolicy;
import dev.latchkey.core.UserAccount;
import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.RefreshTokens;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Real services on in-memory stores (or the stores a test passes), and the web layer on them. */
final class WebFixture {
  static final byte[] SECRET =
      "a-test-secret-of-thirty-two-bytes-or-more!".getBytes(StandardCharsets.UTF_8);

  final TestClock clock = new TestClock(Instant.parse("2026-12-06T10:00:00Z"));
  final PasswordAuthenticator passwords;
  final SessionManager sessions;
  final JwtTokenService tokens;
  final RefreshTokens refresh;
  final InMemoryUserDirectory users = InMemoryUserDirectory.create();
  final PasswordHasher hasher = PasswordHasher.bcrypt(4);

  /** Every event the services emitted, in order. */
  final List<AuthEvent> events = new CopyOnWriteArrayList<>();

  WebFixture() {
    this(UnaryOperator.identity(), UnaryOperator.identity());
  }

  /** Services whose stores are {@code wrap}ped (a Mockito spy, to make one fail). */
  WebFixture(
      UnaryOperator<SessionStore> wrapSessions, UnaryOperator<RevocationList> wrapRevocations) {
    users.add(
        new UserAccount(
            "alice",
            Principal.of("alice", Set.of("user")),
            hasher.hash("wonderland".toCharArray())));
    users.add(
        new UserAccount(
            "admin",
            Principal.of("admin", Set.of("admin", "user")),
            hasher.hash("password123".toCharArray())));
    this.passwords =
        PasswordAuthenticator.builder(users, hasher)
            .throttle(LoginThrottle.inMemory(ThrottlePolicy.DEFAULT, clock))
            .clock(clock)
            .listener(events::add)
            .build();
    this.sessions =
        SessionManager.builder(wrapSessions.apply(SessionManager.inMemoryStore(clock)))
            .csrfKey(SECRET)
            .clock(clock)
            .listener(events::add)
            .build();
    this.tokens =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.hmac("k1", SECRET, SigningAlgorithm.HS256)), "test", "test")
            .revocationList(wrapRevocations.apply(JwtTokenService.inMemoryRevocationList(clock)))
            .clock(clock)
            .listener(events::add)
            .build();
    this.refresh =
        RefreshTokens.builder(tokens, RefreshTokens.inMemoryStore(clock)).clock(clock).build();
  }

  WebAuth web() {
    return web(b -> {});
  }

  WebAuth web(Consumer<WebAuth.Builder> more) {
    WebAuth.Builder b =
        WebAuth.builder()
            .passwords(passwords)
            .sessions(sessions)
            .tokens(tokens, refresh)
            .clock(clock);
    more.accept(b);
    return b.build();
  }

  static String login(String user, String password) {
    return "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
  }

  /** The session cookie's {@code Set-Cookie} value and the CSRF token of a fresh login. */
  record Session(String setCookie, String csrf) {}

  static Session sessionLogin(WebAuth web) {
    WebResponse r =
        web.handle(TestRequest.post("/session-login").json(login("alice", "wonderland")))
            .orElseThrow();
    if (r.status() != 200) {
      throw new AssertionError("login failed: " + r.status() + " " + r.body());
    }
    return new Session(r.header("Set-Cookie").orElseThrow(), field(r.body(), "csrf_token"));
  }

  /** A string member of a flat JSON answer. */
  static String field(String json, String name) {
    Map<String, String> strings =
        JsonText.readObject(json.getBytes(StandardCharsets.UTF_8)).orElseThrow();
    return strings.get(name);
  }
}
