package dev.latchkey.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.token.IssuerVerifier;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import dev.latchkey.token.TrustedIssuer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What does verifying another issuer's RS256 access token cost, with its keys cached, next to
 * Latchkey's own RS256 verify of an equivalent token, in the same run?
 *
 * <ul>
 *   <li>{@code ownVerify}: {@link JwtTokenService#verify} of a token it issued, no verified-token
 *       cache, with the in-memory revocation check.
 *   <li>{@code issuerVerify}: {@link IssuerVerifier#verify} of the same token, its issuer trusted
 *       through a JWK Set served on loopback and fetched once in setup (so the measured calls only
 *       read the cached keys), with the same revocation list.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar IssuerVerify -f 1 -wi 3 -w 1s -i 5 -r
 * 1s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IssuerVerifyBenchmark {
  private static final String ISS = "https://idp.example";
  private static final String AUD = "orders-api";

  JwtTokenService own;
  IssuerVerifier issuers;
  String token;
  HttpServer server;

  @Setup
  public void setUp() throws Exception {
    SigningKey key = SigningKey.generateRsa("idp-1", SigningAlgorithm.RS256);
    RevocationList revocations = JwtTokenService.inMemoryRevocationList(Clock.systemUTC());
    own =
        JwtTokenService.builder(KeyRing.of(key), ISS, AUD)
            .accessTokenLifetime(Duration.ofHours(1))
            .revocationList(revocations)
            .build();
    token = own.issue(Principal.of("alice", Set.of("user"))).value();

    byte[] jwks =
        ("{\"keys\":[" + key.publicJwkJson().orElseThrow() + "]}").getBytes(StandardCharsets.UTF_8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/jwks",
        exchange -> {
          try (exchange) {
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(jwks);
            }
          }
        });
    server.start();
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
    issuers =
        IssuerVerifier.builder(
                TrustedIssuer.builder(ISS, uri, AUD).refreshInterval(Duration.ofDays(1)).build())
            .revocationList(revocations)
            .build();
    if (!issuers.verify(token).succeeded() || !own.verify(token).succeeded()) {
      throw new IllegalStateException("setup: the token does not verify");
    }
  }

  @TearDown
  public void tearDown() {
    server.stop(0);
  }

  /**
   * Latchkey's own verify of a token it issued.
   *
   * @return the outcome
   */
  @Benchmark
  public AuthResult ownVerify() {
    return own.verify(token);
  }

  /**
   * The trusted-issuer verify of the same token, keys cached.
   *
   * @return the outcome
   */
  @Benchmark
  public AuthResult issuerVerify() {
    return issuers.verify(token);
  }
}
