package dev.latchkey.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.ThrottlePolicy;
import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.redis.testing.RedisFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Edge-exact tests written to kill the mutants PIT found surviving in auth-redis (see
 * RELIABILITY.md): a revocation refused on its own node the moment the call returns, even while the
 * node's replica is current (so it is not asking Redis); revocations that end exactly at their
 * time; and a login name locked while its address is not.
 */
class StandaloneRedisEdgesIT {
  private final TestClock clock = TestClock.atNow();
  private final RedisStores node =
      RedisStores.builder(RedisFixture.sharedStandalone().client())
          .keyPrefix("e" + UUID.randomUUID().toString().substring(0, 8) + ":")
          .clock(clock)
          .revocationHeartbeat(Duration.ofMillis(100))
          .build();

  @AfterEach
  void closeNode() {
    node.close();
  }

  private static String subject() {
    return "user-" + UUID.randomUUID();
  }

  @Test
  void revocationIsRefusedOnItsOwnNodeTheMomentTheCallReturns() {
    RevocationList list = node.revocationList();
    RedisStoresBehaviour.awaitCurrent(list);
    String subject = subject();
    Instant iat = clock.instant();
    list.revokeToken("iss", "j1", subject, iat.plus(Duration.ofMinutes(10)));
    assertThat(list.isRevoked("iss", "j1", subject, iat)).isTrue();

    String other = subject();
    list.revokeSubject(other, iat.plusMillis(1), iat.plus(Duration.ofMinutes(10)));
    assertThat(list.isRevoked("iss", "j2", other, iat)).isTrue();
  }

  @Test
  void aCurrentReplicaEndsRevocationsExactlyAtTheirTime() {
    RevocationList list = node.revocationList();
    RedisStoresBehaviour.awaitCurrent(list);
    String subject = subject();
    Instant iat = clock.instant();
    Instant until = iat.plus(Duration.ofMinutes(10));
    list.revokeToken("iss", "j1", subject, until);
    String other = subject();
    Instant cut = iat.plusSeconds(5);
    list.revokeSubject(other, cut, until);

    // Issued exactly at the cut-off: not before it, so not refused.
    assertThat(list.isRevoked("iss", "j2", other, cut)).isFalse();
    assertThat(list.isRevoked("iss", "j2", other, cut.minusMillis(1))).isTrue();

    clock.set(until.minusMillis(1));
    assertThat(list.isRevoked("iss", "j1", subject, iat)).isTrue();
    assertThat(list.isRevoked("iss", "j2", other, iat)).isTrue();
    clock.set(until);
    assertThat(list.isRevoked("iss", "j1", subject, iat)).isFalse();
    assertThat(list.isRevoked("iss", "j2", other, iat)).isFalse();
  }

  @Test
  void aNameLockedWhileItsAddressIsNotAnswersTheNamesUnlockTime() {
    ThrottlePolicy policy =
        new ThrottlePolicy(
            2, 100, Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofHours(1));
    LoginThrottle throttle = node.loginThrottle(policy);
    String name = subject();
    assertThat(throttle.reserve(name, "192.0.2.1")).isEqualTo(LoginThrottle.Reservation.grant());
    Instant until = clock.instant().plus(Duration.ofMinutes(1));
    assertThat(throttle.reserve(name, "192.0.2.1"))
        .isEqualTo(LoginThrottle.Reservation.grant(until));
    assertThat(throttle.reserve(name, "192.0.2.1"))
        .isEqualTo(LoginThrottle.Reservation.refuse(until));
    assertThat(throttle.reserve(name, null)).isEqualTo(LoginThrottle.Reservation.refuse(until));
    clock.set(until);
    assertThat(throttle.reserve(name, "192.0.2.1").granted()).isTrue();
  }

  @Test
  void whenNameAndAddressAreBothLockedTheLaterUnlockIsAnswered() {
    ThrottlePolicy policy =
        new ThrottlePolicy(
            1, 1, Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofHours(1));
    LoginThrottle throttle = node.loginThrottle(policy);
    String address =
        "198.51.100." + (1 + new java.util.Random().nextInt(250)) + "-" + UUID.randomUUID();
    Instant now = clock.instant();
    // The first attempt locks name a and the address for one lockout each.
    assertThat(throttle.reserve(subject(), address))
        .isEqualTo(LoginThrottle.Reservation.grant(policy.lockedUntil(1, 1, now)));
    // Once that ends, name b's first attempt locks b for one lockout; the address's second doubles.
    clock.advance(Duration.ofMinutes(1));
    Instant later = policy.lockedUntil(2, 1, clock.instant());
    assertThat(later).isAfter(policy.lockedUntil(1, 1, clock.instant()));
    assertThat(throttle.reserve(subject(), address))
        .isEqualTo(LoginThrottle.Reservation.grant(later));
  }
}
