package dev.latchkey.web;

import static dev.latchkey.web.WebFixture.field;
import static dev.latchkey.web.WebFixture.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.latchkey.core.Principal;
import dev.latchkey.token.IssuerVerifier;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import dev.latchkey.token.TrustedIssuer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Another issuer's access tokens at the web layer: accepted on the routes that ask for them, by the
 * issuer's published keys (served here on loopback), and nowhere else.
 */
class WebAuthTrustedIssuerTest {
  private static final String IDP = "https://idp.example";
  private static final SigningKey IDP_KEY = SigningKey.generateRsa("idp-1", SigningAlgorithm.RS256);

  private final WebFixture fixture = new WebFixture();
  private final AtomicInteger fetches = new AtomicInteger();
  private HttpServer jwks;
  private JwtTokenService idp;
  private WebAuth web;

  @BeforeEach
  void start() throws IOException {
    jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] set =
        ("{\"keys\":[" + IDP_KEY.publicJwkJson().orElseThrow() + "]}")
            .getBytes(StandardCharsets.UTF_8);
    jwks.createContext(
        "/jwks",
        exchange -> {
          fetches.incrementAndGet();
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, set.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(set);
          }
        });
    jwks.start();
    // The identity provider: its own key, issuer and audience, the API's audience in its tokens.
    idp =
        JwtTokenService.builder(KeyRing.of(IDP_KEY), IDP, "orders-api")
            .clock(fixture.clock)
            .build();
    web = fixture.web(b -> b.trustedIssuers(verifier(IDP, jwksUri())));
  }

  @AfterEach
  void stop() {
    jwks.stop(0);
  }

  private URI jwksUri() {
    return URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks");
  }

  private IssuerVerifier verifier(String issuer, URI uri) {
    return IssuerVerifier.builder(
            TrustedIssuer.builder(issuer, uri, "orders-api")
                .fetchTimeout(Duration.ofSeconds(2))
                .build())
        .clock(fixture.clock)
        .build();
  }

  private String idpToken(String subject, String scope) {
    return idp.issue(Principal.of(subject), Map.of("scope", scope)).value();
  }

  @Test
  void aTrustedIssuersTokenIsAllowedViaIssuerWithItsIssuerAndScopes() {
    AccessDecision d =
        web.authenticateBearerOrTrustedIssuer(
            TestRequest.get("/api-profile").bearer(idpToken("svc-7", "orders:write orders:read")));

    assertThat(d.via()).contains(AccessDecision.Via.ISSUER);
    Principal p = d.principal().orElseThrow();
    assertThat(p.subject()).isEqualTo("svc-7");
    assertThat(p.attributes())
        .containsEntry(IssuerVerifier.ISSUER_ATTRIBUTE, IDP)
        .containsEntry(IssuerVerifier.SCOPE_ATTRIBUTE, "orders:read orders:write");
    assertThat(fetches).hasValue(1);
  }

  @Test
  void theApplicationsOwnTokensStillPassOnThatRouteAsBearer() {
    String own =
        field(
            web.handle(TestRequest.post("/token-login").json(login("alice", "wonderland")))
                .orElseThrow()
                .body(),
            "access_token");

    AccessDecision d =
        web.authenticateBearerOrTrustedIssuer(TestRequest.get("/api-profile").bearer(own));

    assertThat(d.via()).contains(AccessDecision.Via.BEARER);
    assertThat(d.principal().orElseThrow().subject()).isEqualTo("alice");
    assertThat(fetches).as("an own token never reaches the issuer's keys").hasValue(0);
  }

  @Test
  void anotherIssuersTokenIsRefusedOnEveryOtherRoute() {
    // Its subject might name a local account ("admin"): only the routes that ask may see it.
    String token = idpToken("admin", "orders:read");

    for (AccessDecision d :
        new AccessDecision[] {
          web.authenticate(TestRequest.get("/orders").bearer(token)),
          web.authenticateBearer(TestRequest.get("/token-profile").bearer(token))
        }) {
      WebResponse r = d.refusal().orElseThrow();
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.header("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
    }
  }

  @Test
  void anUntrustedIssuersTokenIs401WithTheChallengeAndFetchesNothing() {
    JwtTokenService stranger =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.generateRsa("idp-1", SigningAlgorithm.RS256)),
                "https://stranger.example",
                "orders-api")
            .clock(fixture.clock)
            .build();
    String token = stranger.issue(Principal.of("svc-7"), Map.of("scope", "orders:read")).value();

    WebResponse r =
        web.authenticateBearerOrTrustedIssuer(TestRequest.get("/api-profile").bearer(token))
            .refusal()
            .orElseThrow();

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate"))
        .contains("Bearer realm=\"latchkey\", error=\"invalid_token\"");
    assertThat(r.body()).doesNotContain(token);
    assertThat(fetches).hasValue(0);
  }

  @Test
  void aTokenClaimingTheTrustedIssuerButSignedByAnotherKeyIsRefused() {
    JwtTokenService forger =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.generateRsa("idp-1", SigningAlgorithm.RS256)),
                IDP,
                "orders-api")
            .clock(fixture.clock)
            .build();
    String forged = forger.issue(Principal.of("admin"), Map.of("scope", "orders:write")).value();

    WebResponse r =
        web.authenticateBearerOrTrustedIssuer(TestRequest.get("/api-profile").bearer(forged))
            .refusal()
            .orElseThrow();

    assertThat(r.status()).isEqualTo(401);
  }

  @Test
  void anIssuerWhoseKeysCannotBeFetchedIs503NotInvalid() {
    jwks.stop(0);

    WebResponse r =
        web.authenticateBearerOrTrustedIssuer(
                TestRequest.get("/api-profile").bearer(idpToken("svc-7", "orders:read")))
            .refusal()
            .orElseThrow();

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("Retry-After")).isPresent();
  }

  @Test
  void noBearerIs401WithABareChallenge() {
    WebResponse r =
        web.authenticateBearerOrTrustedIssuer(TestRequest.get("/api-profile"))
            .refusal()
            .orElseThrow();

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).contains("Bearer realm=\"latchkey\"");
  }

  @Test
  void trustedIssuersAloneVerifyWithoutATokenService() {
    WebAuth issuersOnly =
        WebAuth.builder().trustedIssuers(verifier(IDP, jwksUri())).clock(fixture.clock).build();

    assertThat(
            issuersOnly
                .authenticateBearerOrTrustedIssuer(
                    TestRequest.get("/api-profile").bearer(idpToken("svc-7", "orders:read")))
                .via())
        .contains(AccessDecision.Via.ISSUER);
    assertThat(
            issuersOnly
                .authenticateBearerOrTrustedIssuer(
                    TestRequest.get("/api-profile").bearer("not.a.jwt"))
                .refusal()
                .orElseThrow()
                .header("WWW-Authenticate")
                .orElseThrow())
        .contains("error=\"invalid_token\"");
  }

  @Test
  void aCrossSiteStateChangingRequestIsRefusedBeforeAnyToken() {
    WebResponse r =
        web.authenticateBearerOrTrustedIssuer(
                TestRequest.post("/api-profile")
                    .crossSite("https://evil.example")
                    .bearer(idpToken("svc-7", "orders:read")))
            .refusal()
            .orElseThrow();

    assertThat(r.status()).isEqualTo(403);
    assertThat(fetches).hasValue(0);
  }

  @Test
  void configurationMistakesFailAtBuildOrAtTheCall() {
    assertThatThrownBy(() -> fixture.web(b -> b.trustedIssuers(verifier("test", jwksUri()))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("own iss");
    assertThatThrownBy(
            () -> fixture.web().authenticateBearerOrTrustedIssuer(TestRequest.get("/api-profile")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("trustedIssuers");
  }
}
