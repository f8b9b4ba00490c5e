package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.ThrottlePolicy;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Stores built from a URL with credentials, on a server that requires a password. */
class RedisStoresAuthIT {
  @AutoClose
  static final RedisServer REDIS = RedisFixture.standalone("--requirepass", "s3cret-pass");

  @Test
  void urlWithThePasswordConnects() {
    try (RedisStores stores =
        RedisStores.fromUrl("redis://:s3cret-pass@127.0.0.1:" + REDIS.port() + "/2")
            .timeout(Duration.ofSeconds(1))
            .build()) {
      assertThat(stores.loginThrottle(ThrottlePolicy.DEFAULT).reserve("a", null).granted())
          .isTrue();
    }
  }

  @Test
  void wrongPasswordIsUnavailableAndNeverShown() {
    try (RedisStores stores =
        RedisStores.fromUrl("redis://default:wrong-pass@127.0.0.1:" + REDIS.port())
            .timeout(Duration.ofSeconds(1))
            .build()) {
      assertThatThrownBy(() -> stores.loginThrottle(ThrottlePolicy.DEFAULT).reserve("a", null))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessage("redis unavailable: throttle reserve")
          .message()
          .doesNotContain("wrong-pass");
    }
  }
}
