package dev.latchkey.examples.demo;

import static dev.latchkey.examples.demo.DemoHttp.json;
import static dev.latchkey.examples.demo.DemoHttp.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code TRUSTED_ISSUERS} end to end over real HTTP: an identity provider that is not Latchkey
 * (tokens made by Nimbus as a provider would make them, its JWK Set served on loopback) and the
 * demo started from environment variables, as a user would start it.
 */
class DemoTrustedIssuersIT {
  private static final String IDP = "https://idp.test/realms/demo";
  private static final String AUDIENCE = "latchkey-demo-api";

  static HttpServer jwks;
  static RSAKey rsa;
  static ECKey ec;
  static DemoServer server;
  static DemoHttp http;

  @BeforeAll
  static void start() throws Exception {
    rsa =
        new RSAKeyGenerator(2048)
            .keyID("rsa-1")
            .algorithm(JWSAlgorithm.RS256)
            .keyUse(KeyUse.SIGNATURE)
            .generate();
    // Published without alg, as some providers do: taken under its curve's algorithm.
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").keyUse(KeyUse.SIGNATURE).generate();
    jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] set =
        ("{\"keys\":["
                + rsa.toPublicJWK().toJSONString()
                + ","
                + ec.toPublicJWK().toJSONString()
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    jwks.createContext(
        "/protocol/openid-connect/certs",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, set.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(set);
          }
        });
    jwks.start();
    server = DemoServer.start(DemoSettings.fromEnvironment(environment(jwksUri())));
    http = new DemoHttp(server.port());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    jwks.stop(0);
  }

  private static String jwksUri() {
    return "http://127.0.0.1:" + jwks.getAddress().getPort() + "/protocol/openid-connect/certs";
  }

  private static Map<String, String> environment(String jwksUri) {
    return Map.of(
        "PORT",
        "0",
        "JWT_SECRET",
        DemoServerIT.SECRET,
        "TRUSTED_ISSUERS",
        "[{\"issuer\":\""
            + IDP
            + "\",\"jwks_uri\":\""
            + jwksUri
            + "\",\"audience\":\""
            + AUDIENCE
            + "\"}]");
  }

  /** An access token as the provider makes it. */
  private static String token(JWK key, String typ, String issuer, String audience, long expiresIn)
      throws Exception {
    Instant now = Instant.now();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject("svc-reporting")
            .audience(audience)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(expiresIn)))
            .jwtID(UUID.randomUUID().toString())
            .claim("scope", "orders:write orders:read")
            .claim("client_id", "reporting")
            .build();
    JWSSigner signer;
    JWSAlgorithm alg;
    if (key instanceof RSAKey r) {
      signer = new RSASSASigner(r);
      alg = JWSAlgorithm.RS256;
    } else {
      signer = new ECDSASigner((ECKey) key);
      alg = JWSAlgorithm.ES256;
    }
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(new JOSEObjectType(typ)).build(),
            claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private static HttpResponse<String> apiProfile(String token) {
    return http.get("/api-profile", "Authorization", "Bearer " + token);
  }

  @Test
  void aTrustedIssuersAccessTokenGetsTheProfileWithUsernameIssuerAndScopes() throws Exception {
    HttpResponse<String> r = apiProfile(token(rsa, "at+jwt", IDP, AUDIENCE, 300));

    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject body = json(r);
    assertThat(body.keySet()).containsExactly("username", "issuer", "scopes");
    assertThat(string(r, "username")).isEqualTo("svc-reporting");
    assertThat(string(r, "issuer")).isEqualTo(IDP);
    assertThat(body.getAsJsonArray("scopes").toString())
        .isEqualTo("[\"orders:read\",\"orders:write\"]");
  }

  @Test
  void aTokenTypedJwtAndSignedByAKeyPublishedWithoutAlgIsAcceptedToo() throws Exception {
    HttpResponse<String> r = apiProfile(token(ec, "JWT", IDP, AUDIENCE, 300));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(string(r, "issuer")).isEqualTo(IDP);
  }

  @Test
  void otherIssuersAudiencesAndExpiredTokensAre401WithTheChallenge() throws Exception {
    for (String refused :
        List.of(
            token(rsa, "at+jwt", "https://evil.test", AUDIENCE, 300),
            token(rsa, "at+jwt", IDP, "another-api", 300),
            token(rsa, "at+jwt", IDP, AUDIENCE, -600),
            token(
                new RSAKeyGenerator(2048).keyID("rsa-1").generate(), "at+jwt", IDP, AUDIENCE, 300),
            "not-a-token")) {
      HttpResponse<String> r = apiProfile(refused);

      assertThat(r.statusCode()).as(refused).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
          .startsWith("Bearer realm=\"latchkey-demo\"");
      assertThat(r.body()).doesNotContain(refused);
    }
    HttpResponse<String> none = http.get("/api-profile");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
  }

  @Test
  void theProvidersTokensAreNotAcceptedOnTheDemosOwnRoutes() throws Exception {
    String token = token(rsa, "at+jwt", IDP, AUDIENCE, 300);

    assertThat(http.get("/token-profile", "Authorization", "Bearer " + token).statusCode())
        .isEqualTo(401);
    assertThat(http.get("/session-profile", "Authorization", "Bearer " + token).statusCode())
        .isEqualTo(401);
  }

  @Test
  void aProviderWhoseKeysCannotBeFetchedIs503() throws Exception {
    HttpServer closed =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String deadUri = "http://127.0.0.1:" + closed.getAddress().getPort() + "/certs";
    closed.stop(0);
    try (DemoServer other = DemoServer.start(DemoSettings.fromEnvironment(environment(deadUri)))) {
      HttpResponse<String> r =
          new DemoHttp(other.port())
              .get(
                  "/api-profile",
                  "Authorization",
                  "Bearer " + token(rsa, "at+jwt", IDP, AUDIENCE, 300));

      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }
  }

  @Test
  void aMalformedTrustedIssuersSettingStopsTheStartWithWhatToChange() {
    assertThatThrownBy(
            () ->
                DemoSettings.fromEnvironment(
                    Map.of("TRUSTED_ISSUERS", "[{\"issuer\":\"" + IDP + "\",\"audience\":\"a\"}]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("TRUSTED_ISSUERS: trusted issuers[0]: jwks_uri is required");
  }
}
