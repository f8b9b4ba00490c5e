package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.RevocationList;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * "Log out everywhere" when its own write is slow: the cut-off must still cover a token minted on a
 * node 5 s fast (the fleet clock skew) at the moment the call returns.
 */
class RevokeAllUnderSkewTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryRevocationList list = InMemoryRevocationList.create(clock);
  private final AtomicInteger writes = new AtomicInteger();

  /**
   * A list whose not-before writes take {@code millis(n)} of the clock's time, n counting from 0.
   */
  private RevocationList slow(java.util.function.IntFunction<Long> millis) {
    return new ForwardingRevocationList(list) {
      @Override
      public void revokeSubject(String s, Instant before, Instant until) {
        super.revokeSubject(s, before, until);
        clock.advance(Duration.ofMillis(millis.apply(writes.getAndIncrement())));
      }
    };
  }

  @Test
  void aWriteOutlastingItsMarginIsRewrittenSoTheCutOffCoversTheWholeCall() {
    JwtTokenService revoking = Fleet.node(clock, slow(n -> 30L), Duration.ofSeconds(5));
    TestClock fast = new TestClock(clock.instant());

    revoking.revokeAll("alice");
    // Minted on a node 5 s fast at the moment the call returned (two 30 ms writes later), which
    // had not seen the cut-off yet.
    fast.set(clock.instant().plusSeconds(5));
    JwtTokenService fastNode =
        Fleet.node(fast, InMemoryRevocationList.create(fast), Duration.ofSeconds(5));
    String minted = fastNode.issue(Principal.of("alice")).value();

    assertThat(writes.get()).isEqualTo(2);
    AuthResult verified = Fleet.node(clock, list, Duration.ofSeconds(5)).verify(minted);
    assertThat(verified.failure()).isPresent();
    assertThat(verified.failure().orElseThrow().reason()).isEqualTo(AuthResult.Reason.REVOKED);
  }

  @Test
  void aListSlowerThanEveryMarginIsReportedNotTrusted() {
    JwtTokenService revoking =
        Fleet.node(clock, slow(n -> (long) Math.pow(10, n + 1)), Duration.ofSeconds(5));

    assertThatThrownBy(() -> revoking.revokeAll("alice"))
        .isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void fleetClockSkewIsAtMostHalfTheClockSkew() {
    KeyRing keys = KeyRing.of(SigningKey.hmac("k", new byte[32], SigningAlgorithm.HS256));
    JwtTokenService.builder(keys, "iss", "aud")
        .clockSkew(Duration.ofSeconds(10))
        .fleetClockSkew(Duration.ofSeconds(5))
        .build();
    assertThatThrownBy(
            () ->
                JwtTokenService.builder(keys, "iss", "aud")
                    .clockSkew(Duration.ofSeconds(10))
                    .fleetClockSkew(Duration.ofMillis(5001))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fleetClockSkew");
    assertThatThrownBy(
            () ->
                JwtTokenService.builder(keys, "iss", "aud").fleetClockSkew(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    // Zero clock skew: the fleet skew defaults to zero too.
    JwtTokenService.builder(keys, "iss", "aud").clockSkew(Duration.ZERO).build();
  }
}
