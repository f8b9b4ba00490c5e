package dev.latchkey.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.account.ApiKeys;
import dev.latchkey.account.InMemoryApiKeyStore;
import dev.latchkey.core.spi.ApiKeyStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebAuthApiKeysTest {
  private final WebFixture f = new WebFixture();
  private final ApiKeyStore store = InMemoryApiKeyStore.create();
  private final ApiKeys keys =
      ApiKeys.builder(store).appPrefix("test").clock(f.clock).maxKeysPerSubject(2).build();
  private final WebAuth web = f.web(b -> b.apiKeys(keys));
  private final WebFixture.Session alice = WebFixture.sessionLogin(web);

  private WebResponse create(String json) {
    return web.handle(
            TestRequest.post("/api-keys")
                .cookie(alice.setCookie())
                .header("X-CSRF-Token", alice.csrf())
                .json(json))
        .orElseThrow();
  }

  @Test
  void aCreatedKeyAuthenticatesABearerRouteWithItsScopes() {
    WebResponse created =
        create("{\"name\":\"ci\",\"scopes\":[\"repo:read\"],\"expires_in\":3600}");
    assertThat(created.status()).isEqualTo(201);
    String key = WebFixture.field(created.body(), "key");

    AccessDecision d = web.authenticateBearer(TestRequest.get("/api").bearer(key));

    assertThat(d.allowed()).isTrue();
    assertThat(d.principal().orElseThrow().subject()).isEqualTo("alice");
    assertThat(ApiKeys.scopes(d.principal().orElseThrow())).containsExactly("repo:read");
    assertThat(web.authenticate(TestRequest.get("/api").bearer(key)).allowed()).isTrue();
  }

  @Test
  void aJwtStillGoesToTheTokenService() {
    String jwt =
        f.tokens.issue(dev.latchkey.core.Principal.of("alice"), java.util.Map.of()).value();

    assertThat(web.authenticateBearer(TestRequest.get("/api").bearer(jwt)).allowed()).isTrue();
  }

  @Test
  void aMistypedKeyIsRefused401WithTheBearerChallenge() {
    String key = WebFixture.field(create("{\"name\":\"ci\"}").body(), "key");
    String typo = key.substring(0, 20) + (key.charAt(20) == 'A' ? 'B' : 'A') + key.substring(21);

    WebResponse refusal =
        web.authenticateBearer(TestRequest.get("/api").bearer(typo)).refusal().orElseThrow();

    assertThat(refusal.status()).isEqualTo(401);
    assertThat(refusal.header("WWW-Authenticate").orElseThrow()).contains("invalid_token");
  }

  @Test
  void theListingShowsNoSecretAndARevokedKeyIsRefused() {
    WebResponse created = create("{\"name\":\"ci\",\"scopes\":[\"a\",\"b\"]}");
    String key = WebFixture.field(created.body(), "key");
    String id = WebFixture.field(created.body(), "id");

    WebResponse list =
        web.handle(TestRequest.get("/api-keys").cookie(alice.setCookie())).orElseThrow();
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body())
        .contains(id, "\"name\":\"ci\"", "\"scopes\":[\"a\",\"b\"]", "last_used_at")
        .doesNotContain(key)
        .doesNotContain(key.substring(8 + 16, 8 + 16 + 43));

    WebResponse revoked =
        web.handle(
                TestRequest.of("DELETE", "/api-keys/" + id)
                    .cookie(alice.setCookie())
                    .header("X-CSRF-Token", alice.csrf()))
            .orElseThrow();
    assertThat(revoked.status()).isEqualTo(204);
    assertThat(web.authenticateBearer(TestRequest.get("/api").bearer(key)).allowed()).isFalse();
    assertThat(
            web.handle(
                    TestRequest.of("DELETE", "/api-keys/" + id)
                        .cookie(alice.setCookie())
                        .header("X-CSRF-Token", alice.csrf()))
                .orElseThrow()
                .status())
        .isEqualTo(404);
  }

  @Test
  void anotherUsersKeyCannotBeRevokedAndIsAnsweredAsUnknown() {
    String bobsId = keys.create("bob", "x", java.util.Set.of(), null).orElseThrow().id();

    WebResponse r =
        web.handle(
                TestRequest.of("DELETE", "/api-keys/" + bobsId)
                    .cookie(alice.setCookie())
                    .header("X-CSRF-Token", alice.csrf()))
            .orElseThrow();

    assertThat(r.status()).isEqualTo(404);
    assertThat(store.find(bobsId).orElseThrow().revoked()).isFalse();
  }

  @Test
  void stateChangingKeyRoutesNeedTheCsrfTokenAndEveryKeyRouteASession() {
    assertThat(
            web.handle(
                    TestRequest.post("/api-keys")
                        .cookie(alice.setCookie())
                        .json("{\"name\":\"x\"}"))
                .orElseThrow()
                .status())
        .isEqualTo(403);
    assertThat(web.handle(TestRequest.get("/api-keys")).orElseThrow().status()).isEqualTo(401);
    assertThat(web.handle(TestRequest.of("PUT", "/api-keys")).orElseThrow().status())
        .isEqualTo(405);
    assertThat(web.handle(TestRequest.get("/api-keys/abc")).orElseThrow().status()).isEqualTo(405);
  }

  @Test
  void inputsOutOfBoundsAre400() {
    for (String bad :
        new String[] {
          "{}",
          "{\"name\":\"\"}",
          "{\"name\":\"" + "x".repeat(65) + "\"}",
          "{\"name\":\"ci\",\"scopes\":\"read\"}",
          "{\"name\":\"ci\",\"scopes\":[1]}",
          "{\"name\":\"ci\",\"scopes\":[\"a\",\"a\"]}",
          "{\"name\":\"ci\",\"scopes\":[\"has space\"]}",
          "{\"name\":\"ci\",\"expires_in\":59}",
          "{\"name\":\"ci\",\"expires_in\":1.5}",
          "{\"name\":\"ci\",\"expires_in\":-60}",
          "{\"name\":\"ci\",\"expires_in\":\"3600\"}",
          "{\"name\":\"ci\",\"expires_in\":99999999999999999999}",
          "{\"name\":\"ci\",\"expires_in\":" + Duration.ofDays(366).toSeconds() + "}"
        }) {
      WebResponse r = create(bad);
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.body()).as(bad).doesNotContain("has space");
    }
  }

  @Test
  void theCapIsAnswered409() {
    assertThat(create("{\"name\":\"a\"}").status()).isEqualTo(201);
    assertThat(create("{\"name\":\"b\"}").status()).isEqualTo(201);
    assertThat(create("{\"name\":\"c\"}").status()).isEqualTo(409);
  }

  @Test
  void apiKeysAloneServeBearerRoutesWithoutATokenService() {
    WebAuth keysOnly = WebAuth.builder().apiKeys(keys).clock(f.clock).build();
    String key = keys.create("alice", "ci", java.util.Set.of(), null).orElseThrow().key();

    assertThat(keysOnly.authenticateBearer(TestRequest.get("/api").bearer(key)).allowed()).isTrue();
    assertThat(
            keysOnly
                .authenticateBearer(TestRequest.get("/api").bearer("eyJ.x.y"))
                .refusal()
                .orElseThrow()
                .status())
        .isEqualTo(401);
    assertThat(
            keysOnly.authenticateBearer(TestRequest.get("/api")).refusal().orElseThrow().status())
        .isEqualTo(401);
    assertThat(keysOnly.handle(TestRequest.get("/api-keys"))).isEmpty();
  }

  @Test
  void theKeyPrefixRouteIsMountedAtAPrefixOnly() {
    assertThatThrownBy(() -> WebAuth.builder().endpoint(WebAuth.Endpoint.API_KEY, "/keys"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebAuth.builder().endpoint(WebAuth.Endpoint.API_KEYS, "/keys/"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
