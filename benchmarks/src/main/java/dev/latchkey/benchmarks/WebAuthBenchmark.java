package dev.latchkey.benchmarks;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.session.SessionCheck;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.web.AccessDecision;
import dev.latchkey.web.WebAuth;
import dev.latchkey.web.WebRequest;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What does the web layer add per request over the library calls it makes? The goal is at most 1
 * µs: {@code WebAuth.authenticate} minus the library calls alone, both measured in this one run.
 *
 * <p>Three requests, each measured twice: {@code *Library} makes the calls {@link
 * WebAuth#authenticate} makes for that request, with the credential already in hand; {@code *Web}
 * hands {@link WebAuth#authenticate} a prebuilt request and lets it find the credential, pass the
 * origin gate and the public paths, call the library and build its {@link AccessDecision}.
 *
 * <ul>
 *   <li>{@code sessionGet*}: a {@code GET} with the session cookie among two others: {@link
 *       SessionManager#check}.
 *   <li>{@code bearerGet*}: a {@code GET} with an HS256 access token in {@code Authorization}:
 *       {@link JwtTokenService#verify} (no verified-token cache; 1,000 revoked tokens of other
 *       users in the in-memory revocation list).
 *   <li>{@code sessionPost*}: a same-origin {@code POST} ({@code Sec-Fetch-Site: same-origin},
 *       {@code Origin}) with the session cookie and its CSRF token in {@code X-CSRF-Token}: {@link
 *       SessionManager#check} and {@link SessionManager#checkCsrf}.
 * </ul>
 *
 * <p>Stores are in memory, on the real clock (the session's one-minute renewal interval makes
 * nearly every check a read). The request is a {@link MapRequest}: headers in a case-insensitive
 * map, read without copying, as a servlet container's adapter reads them. The web layer is
 * configured as a server with both credentials would be: sessions and tokens, public paths {@code
 * /}, {@code /health} and {@code /static/*}, the default {@code __Host-sid} cookie; the path is
 * {@code /api/orders/42}.
 *
 * <p>Run: {@code nice mvn -B -q -o -Ppeers,benchmarks -pl benchmarks -am package -DskipTests &&
 * java -jar benchmarks/target/benchmarks.jar WebAuthBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WebAuthBenchmark {
  private static final String PATH = "/api/orders/42";
  private static final String AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0";

  private SessionManager sessions;
  private JwtTokenService tokens;
  private WebAuth web;
  private String sessionId;
  private String csrfToken;
  private String accessToken;
  private WebRequest sessionGet;
  private WebRequest bearerGet;
  private WebRequest sessionPost;

  @Setup
  public void setUp() throws Exception {
    sessions =
        SessionManager.builder(SessionManager.inMemoryStore(Clock.systemUTC(), 100_000))
            .idleTimeout(Duration.ofMinutes(30))
            .absoluteTimeout(Duration.ofHours(12))
            .build();
    Principal alice = BenchmarkKeys.ALICE;
    sessionId =
        sessions.login(alice, Map.of("client_address", "192.0.2.10")).created().orElseThrow().id();
    csrfToken = sessions.csrfToken(sessionId).orElseThrow();

    BenchmarkKeys keys = BenchmarkKeys.generate("HS256");
    var revocations = JwtTokenService.inMemoryRevocationList(Clock.systemUTC());
    var later = Clock.systemUTC().instant().plus(Duration.ofHours(1));
    for (int i = 0; i < TokenVerifyBenchmark.REVOKED; i++) {
      revocations.revokeToken(BenchmarkKeys.ISS, "revoked-" + i, "user-" + i, later);
    }
    tokens =
        JwtTokenService.builder(KeyRing.of(keys.latchkeyKey), BenchmarkKeys.ISS, BenchmarkKeys.AUD)
            .accessTokenLifetime(Duration.ofHours(1))
            .revocationList(revocations)
            .build();
    accessToken = tokens.issue(alice).value();

    web =
        WebAuth.builder()
            .sessions(sessions)
            .tokens(tokens)
            .publicPaths("/", "/health", "/static/*")
            .build();

    String cookie = "theme=dark; __Host-sid=" + sessionId + "; consent=analytics";
    sessionGet =
        new MapRequest(
            "GET",
            Map.of(
                "Host", "app.example",
                "User-Agent", AGENT,
                "Accept", "application/json",
                "Sec-Fetch-Site", "same-origin",
                "Cookie", cookie));
    bearerGet =
        new MapRequest(
            "GET",
            Map.of(
                "Host", "app.example",
                "User-Agent", "orders-client/2.1",
                "Accept", "application/json",
                "Authorization", "Bearer " + accessToken));
    sessionPost =
        new MapRequest(
            "POST",
            Map.of(
                "Host", "app.example",
                "User-Agent", AGENT,
                "Accept", "application/json",
                "Content-Type", "application/json",
                "Origin", "https://app.example",
                "Sec-Fetch-Site", "same-origin",
                "Cookie", cookie,
                "X-CSRF-Token", csrfToken));

    // A benchmark that measured refusals would say nothing about the goal: check every pair once.
    for (WebRequest r : List.of(sessionGet, bearerGet, sessionPost)) {
      if (!web.authenticate(r).allowed()) {
        throw new IllegalStateException("the web layer refused the benchmark's request " + r);
      }
    }
    if (sessions.check(new SessionCookie(sessionId)).failure().isPresent()
        || !tokens.verify(accessToken).succeeded()
        || !sessions.checkCsrf(sessionId, csrfToken)) {
      throw new IllegalStateException("the library refused the benchmark's credentials");
    }
  }

  @Benchmark
  public SessionCheck sessionGetLibrary() {
    return sessions.check(new SessionCookie(sessionId));
  }

  @Benchmark
  public AccessDecision sessionGetWeb() {
    return web.authenticate(sessionGet);
  }

  @Benchmark
  public AuthResult bearerGetLibrary() {
    return tokens.verify(accessToken);
  }

  @Benchmark
  public AccessDecision bearerGetWeb() {
    return web.authenticate(bearerGet);
  }

  @Benchmark
  public void sessionPostLibrary(Blackhole bh) {
    bh.consume(sessions.check(new SessionCookie(sessionId)));
    bh.consume(sessions.checkCsrf(sessionId, csrfToken));
  }

  @Benchmark
  public AccessDecision sessionPostWeb() {
    return web.authenticate(sessionPost);
  }

  /**
   * A request as an adapter presents it: the headers received, in a map whose names compare
   * case-insensitively, each with its one value; no body.
   */
  static final class MapRequest implements WebRequest {
    private final String method;
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    MapRequest(String method, Map<String, String> headers) {
      this.method = method;
      headers.forEach((name, value) -> this.headers.put(name, List.of(value)));
    }

    @Override
    public String method() {
      return method;
    }

    @Override
    public String path() {
      return PATH;
    }

    @Override
    public List<String> headers(String name) {
      return headers.getOrDefault(name, List.of());
    }

    @Override
    public String clientAddress() {
      return "192.0.2.10";
    }

    @Override
    public InputStream body() {
      return InputStream.nullInputStream();
    }

    @Override
    public String toString() {
      // Names only: the values hold the credentials.
      return method + " " + PATH + " " + headers.keySet();
    }
  }
}
