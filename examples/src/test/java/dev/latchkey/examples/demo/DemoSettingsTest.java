package dev.latchkey.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's environment variables, their defaults and their validation. */
class DemoSettingsTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  @Test
  void anEmptyEnvironmentIsPort8080InMemoryWithAGeneratedSecretOverPlainHttp() {
    DemoSettings settings = DemoSettings.fromEnvironment(Map.of());

    assertThat(settings.port()).isEqualTo(8080);
    assertThat(settings.redisUrl()).isNull();
    assertThat(settings.jwtSecret()).isNull();
    assertThat(settings.cookieSecure()).isFalse();
    assertThat(settings.bcryptCost()).isEqualTo(10);
    assertThat(settings.secret()).hasSize(32);
  }

  @Test
  void everyVariableIsRead() {
    DemoSettings settings =
        DemoSettings.fromEnvironment(
            Map.of(
                "PORT", " 9090 ",
                "REDIS_URL", " redis://127.0.0.1:6380 ",
                "JWT_SECRET", SECRET,
                "COOKIE_SECURE", "TRUE"));

    assertThat(settings.port()).isEqualTo(9090);
    assertThat(settings.redisUrl()).isEqualTo("redis://127.0.0.1:6380");
    assertThat(settings.secret()).hasSize(SECRET.length());
    assertThat(settings.cookieSecure()).isTrue();
  }

  @Test
  void blankValuesMeanUnset() {
    DemoSettings settings =
        DemoSettings.fromEnvironment(Map.of("PORT", " ", "REDIS_URL", " ", "JWT_SECRET", ""));

    assertThat(settings.port()).isEqualTo(8080);
    assertThat(settings.redisUrl()).isNull();
    assertThat(settings.jwtSecret()).isNull();
  }

  @Test
  void theOpenIdProviderIsReadAndItsSecretNeverShown() {
    DemoSettings settings =
        DemoSettings.fromEnvironment(
            Map.of(
                "OIDC_ISSUER", " https://idp.example ",
                "OIDC_CLIENT_ID", "demo",
                "OIDC_CLIENT_SECRET", "very-secret",
                "OIDC_REDIRECT_URI", "https://demo.example/oidc/callback"));

    assertThat(settings.oidc())
        .isEqualTo(
            new DemoSettings.Oidc(
                "https://idp.example",
                "demo",
                "very-secret",
                "https://demo.example/oidc/callback"));
    assertThat(settings.toString()).contains("https://idp.example").doesNotContain("very-secret");
    assertThat(DemoSettings.fromEnvironment(Map.of()).oidc()).isNull();
    assertThatThrownBy(
            () -> DemoSettings.fromEnvironment(Map.of("OIDC_ISSUER", "https://idp.example")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OIDC_CLIENT_ID and OIDC_CLIENT_SECRET");
  }

  @Test
  void aPortThatIsNotAPortIsRefused() {
    assertThatThrownBy(() -> DemoSettings.fromEnvironment(Map.of("PORT", "http")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PORT must be a number");
    assertThatThrownBy(() -> DemoSettings.fromEnvironment(Map.of("PORT", "65536")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 0 and 65535");
  }

  @Test
  void aSecretShorterThan32BytesIsRefusedWithoutShowingIt() {
    DemoSettings settings = DemoSettings.fromEnvironment(Map.of("JWT_SECRET", "short-secret"));

    assertThatThrownBy(settings::secret)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32 bytes")
        .hasMessageNotContaining("short-secret");
  }

  @Test
  void toStringNamesNoSecretAndNoRedisUrl() {
    DemoSettings settings =
        DemoSettings.fromEnvironment(
            Map.of("REDIS_URL", "redis://user:hunter2@10.0.0.1:6379", "JWT_SECRET", SECRET));

    assertThat(settings.toString())
        .contains("store=redis", "jwtSecret=<redacted>")
        .doesNotContain(SECRET, "hunter2", "10.0.0.1");
  }
}
