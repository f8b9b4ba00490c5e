package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every path of a failed login costs the same bCrypt work, counted in rounds ({@code 2^cost} per
 * bCrypt run) through the hasher's bCrypt seam rather than timed, so the test is exact and never
 * flaky: an unknown user, a wrong password, a hash of a legacy cost, a disabled or unreadable hash
 * all do {@code 2^6} rounds under a hasher configured at cost 6.
 */
class BcryptEqualWorkTest {
  private static final int COST = 6;
  private static final long ROUNDS = 1L << COST;
  private static final String PASSWORD = "s3cret!";

  /** Never locks within these tests. */
  private static final ThrottlePolicy LENIENT =
      new ThrottlePolicy(
          1_000, 1_000, Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1));

  /** Counts the rounds of every bCrypt run. */
  private final AtomicLong rounds = new AtomicLong();

  private final BcryptPasswordHasher hasher =
      BcryptPasswordHasher.withCost(
          COST,
          (key, salt, cost) -> {
            rounds.addAndGet(1L << cost);
            return BcryptPasswordHasher.JBCRYPT.crypt(key, salt, cost);
          });
  private final InMemoryUserDirectory directory = InMemoryUserDirectory.create();
  private PasswordAuthenticator authenticator;

  @BeforeEach
  void setUp() {
    add("current", hasher.hash(PASSWORD.toCharArray()));
    add("legacy4", BcryptPasswordHasher.withCost(4).hash(PASSWORD.toCharArray()));
    add("legacy5", BcryptPasswordHasher.withCost(5).hash(PASSWORD.toCharArray()));
    add("disabled", "!");
    add("locked-out", "*");
    add("empty", "");
    add("foreign", "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG");
    add("bad-salt", "$2a$06$" + "!".repeat(22) + "a".repeat(31));
    add("disabled-bcrypt", "!" + BcryptPasswordHasher.withCost(COST).hash(PASSWORD.toCharArray()));
    authenticator =
        PasswordAuthenticator.builder(directory, hasher)
            .throttle(InMemoryLoginThrottle.builder(LENIENT).clock(TestClock.atNow()).build())
            .build();
  }

  @Test
  void unknownUserWrongPasswordLegacyDisabledAndUnreadableHashesCostTheSameRounds() {
    for (String name :
        new String[] {
          "nobody",
          "current",
          "legacy4",
          "legacy5",
          "disabled",
          "locked-out",
          "empty",
          "foreign",
          "bad-salt",
          "disabled-bcrypt"
        }) {
      rounds.set(0);

      AuthResult result =
          authenticator.authenticate(PasswordCredentials.of(name, "wrong".toCharArray()));

      assertThat(result.succeeded()).isFalse();
      assertThat(rounds.get()).as("bCrypt rounds for %s", name).isEqualTo(ROUNDS);
    }
  }

  @Test
  void theRightPasswordOnALegacyHashIsVerifiedAtTheConfiguredWorkThenRehashed() {
    rounds.set(0);

    assertThat(
            authenticator
                .authenticate(PasswordCredentials.of("legacy4", PASSWORD.toCharArray()))
                .succeeded())
        .isTrue();

    // One verification padded to 2^6 rounds, then the new hash at cost 6.
    assertThat(rounds.get()).isEqualTo(2 * ROUNDS);
  }

  @Test
  void verifyDoesTheConfiguredWorkForEveryHashUpToTheConfiguredCost() {
    for (int storedCost = 4; storedCost <= COST; storedCost++) {
      String stored = BcryptPasswordHasher.withCost(storedCost).hash(PASSWORD.toCharArray());
      rounds.set(0);

      assertThat(hasher.verify(PASSWORD.toCharArray(), stored)).isTrue();
      assertThat(hasher.verify("wrong".toCharArray(), stored)).isFalse();

      assertThat(rounds.get()).as("stored cost %d", storedCost).isEqualTo(2 * ROUNDS);
    }
  }

  @Test
  void aHashOfAHigherCostIsVerifiedAtItsOwnCost() {
    String stored = BcryptPasswordHasher.withCost(COST + 1).hash(PASSWORD.toCharArray());
    rounds.set(0);

    assertThat(hasher.verify(PASSWORD.toCharArray(), stored)).isTrue();

    assertThat(rounds.get()).isEqualTo(2 * ROUNDS);
  }

  @Test
  void aPasswordOverTheLimitCostsNoWorkForAnyAccount() {
    String tooLong = "x".repeat(BcryptPasswordHasher.MAX_PASSWORD_BYTES + 1);
    for (String name : new String[] {"nobody", "current", "legacy4", "disabled"}) {
      rounds.set(0);

      authenticator.authenticate(PasswordCredentials.of(name, tooLong.toCharArray()));

      assertThat(rounds.get()).as(name).isZero();
    }
  }

  private void add(String name, String hash) {
    directory.add(new UserAccount(name, Principal.of(name, Set.of()), hash));
  }
}
