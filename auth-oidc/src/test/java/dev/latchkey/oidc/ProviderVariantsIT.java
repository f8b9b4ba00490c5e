package dev.latchkey.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.core.TestClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Providers whose metadata differs from the mock's: served by a small metadata server of our own
 * that names itself as the issuer and points at the mock's endpoints, or elsewhere.
 */
class ProviderVariantsIT {
  private static final String CLIENT_ID = "variant-app";
  private static final String SECRET = "variant-secret";
  private static final URI REDIRECT = URI.create("http://127.0.0.1:9/oidc/callback");

  private MockProvider provider;
  private HttpServer metadata;
  private URI issuer;

  @BeforeEach
  void start() throws IOException {
    provider = new MockProvider();
    metadata = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    metadata.start();
    issuer = URI.create("http://127.0.0.1:" + metadata.getAddress().getPort() + "/variant");
  }

  @AfterEach
  void stop() {
    metadata.stop(0);
    provider.close();
  }

  /** Serves the mock's metadata under our issuer, changed by {@code change}. */
  private void serve(Consumer<Map<String, Object>> change) throws Exception {
    String original =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(provider.server.wellKnownUrl(MockProvider.ISSUER_ID).uri())
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Map<String, Object> json = JSONObjectUtils.parse(original);
    json.put("issuer", issuer.toString());
    change.accept(json);
    byte[] body = JSONObjectUtils.toJSONString(json).getBytes(StandardCharsets.UTF_8);
    metadata.createContext(
        "/variant/.well-known/openid-configuration",
        ex -> {
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
  }

  private OidcLogin login(Duration read) {
    return OidcLogin.builder(
            issuer, CLIENT_ID, SECRET, REDIRECT, InMemoryPendingLoginStore.create())
        .clock(new TestClock(Instant.now()))
        .timeouts(Duration.ofSeconds(1), read)
        .build();
  }

  /** The ID token names our issuer, as a provider serving this metadata would. */
  private void enqueueOurIssuer() {
    provider.server.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            MockProvider.ISSUER_ID,
            "user-7",
            "JWT",
            List.of(CLIENT_ID),
            Map.of("iss", issuer.toString()),
            3600));
  }

  @Test
  void aProviderOfferingOnlyClientSecretPostGetsTheSecretInTheBody() throws Exception {
    serve(m -> m.put("token_endpoint_auth_methods_supported", List.of("client_secret_post")));
    OidcLogin oidc = login(Duration.ofSeconds(3));
    OidcOutcome.Redirect start = oidc.begin("192.0.2.1").redirect().orElseThrow();
    enqueueOurIssuer();
    String callback = provider.authorize(start.location());
    assertThat(oidc.complete(callback, start.browserBinding()).signedIn()).isPresent();

    RecordedRequest token = tokenRequest();
    assertThat(token.getHeader("Authorization")).isNull();
    assertThat(token.getBody().readUtf8())
        .contains("client_id=" + CLIENT_ID)
        .contains("client_secret=" + SECRET)
        .contains("code_verifier=");
  }

  @Test
  void byDefaultTheSecretGoesInTheBasicHeaderWithTheVerifier() throws Exception {
    serve(m -> {});
    OidcLogin oidc = login(Duration.ofSeconds(3));
    OidcOutcome.Redirect start = oidc.begin("192.0.2.1").redirect().orElseThrow();
    enqueueOurIssuer();
    String callback = provider.authorize(start.location());
    assertThat(oidc.complete(callback, start.browserBinding()).signedIn()).isPresent();

    RecordedRequest token = tokenRequest();
    assertThat(token.getHeader("Authorization")).startsWith("Basic ");
    String body = token.getBody().readUtf8();
    assertThat(body).doesNotContain("client_secret").contains("code_verifier=");
  }

  @Test
  void aTokenEndpointThatNeverAnswersIsUnavailableWithinTheReadTimeout() throws Exception {
    ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    List<Socket> held = new CopyOnWriteArrayList<>();
    Thread acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  held.add(silent.accept()); // read nothing, answer nothing
                }
              } catch (IOException e) {
                // closed by the test
              }
            });
    acceptor.start();
    try {
      serve(m -> m.put("token_endpoint", "http://127.0.0.1:" + silent.getLocalPort() + "/token"));
      OidcLogin oidc = login(Duration.ofMillis(400));
      OidcOutcome.Redirect start = oidc.begin("192.0.2.1").redirect().orElseThrow();
      String callback = provider.authorize(start.location());
      long t0 = System.nanoTime();
      OidcOutcome out = oidc.complete(callback, start.browserBinding());
      assertThat(out.refusal().orElseThrow().problem()).isEqualTo(OidcOutcome.Problem.UNAVAILABLE);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    } finally {
      silent.close();
      acceptor.join(5000);
      for (Socket s : held) {
        s.close();
      }
    }
  }

  /** The request the mock's token endpoint received. */
  private RecordedRequest tokenRequest() throws InterruptedException {
    for (int i = 0; i < 10; i++) {
      RecordedRequest r = provider.server.takeRequest(2, TimeUnit.SECONDS);
      if (r == null) {
        break;
      }
      if (r.getPath() != null && r.getPath().endsWith("/token")) {
        return r;
      }
    }
    throw new AssertionError("the token endpoint saw no request");
  }
}
