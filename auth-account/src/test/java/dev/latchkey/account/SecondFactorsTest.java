package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.SecondFactorStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SecondFactorsTest {
  private static final byte[] KEY = new byte[32];
  private static final byte[] OTHER_KEY = new byte[32];

  static {
    KEY[0] = 1;
    OTHER_KEY[0] = 2;
  }

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:10Z"));
  private final List<AuthEvent> events = Collections.synchronizedList(new ArrayList<>());
  private InMemorySecondFactorStore store;
  private SecondFactors mfa;

  @BeforeEach
  void setUp() {
    store = new InMemorySecondFactorStore();
    mfa = service(store, "k1", KEY);
  }

  private SecondFactors service(SecondFactorStore s, String keyId, byte[] key) {
    return SecondFactors.builder(s, "Example Co", keyId, key)
        .clock(clock)
        .listener(events::add)
        .build();
  }

  private String enroll(String subject) {
    return mfa.enroll(subject, subject + "@example.com").value().orElseThrow().secret();
  }

  private String code(String secret) {
    return Totp.DEFAULT.code(secret, clock.instant());
  }

  /** Enrolls and activates {@code subject}; answers the secret and leaves the clock a step on. */
  private String activeFactor(String subject) {
    String secret = enroll(subject);
    assertThat(mfa.activate(subject, code(secret)).value()).isPresent();
    clock.advance(Duration.ofSeconds(30));
    return secret;
  }

  private List<String> recoveryCodes(String subject) {
    String secret = enroll(subject);
    List<String> codes = mfa.activate(subject, code(secret)).value().orElseThrow();
    clock.advance(Duration.ofSeconds(30));
    return codes;
  }

  private static AuthResult.Reason reason(AuthResult r) {
    return r.failure().orElseThrow().reason();
  }

  @Test
  void enrollmentGivesASecretAndAnOtpauthUri() {
    SecondFactors.Enrollment e = mfa.enroll("alice", "alice@example.com").value().orElseThrow();

    assertThat(Base32.decode(e.secret())).hasSize(20);
    assertThat(e.otpauthUri())
        .isEqualTo(
            "otpauth://totp/Example%20Co:alice%40example.com?secret="
                + e.secret()
                + "&issuer=Example%20Co&algorithm=SHA1&digits=6&period=30");
    assertThat(e.toString()).doesNotContain(e.secret());
  }

  @Test
  void sha256EnrollmentUsesA256BitSecret() {
    SecondFactors s256 =
        SecondFactors.builder(store, "Example", "k1", KEY)
            .clock(clock)
            .totp(new Totp(Totp.Algorithm.SHA256, 8, Duration.ofSeconds(30)))
            .build();
    SecondFactors.Enrollment e = s256.enroll("alice", "alice").value().orElseThrow();

    assertThat(Base32.decode(e.secret())).hasSize(32);
    assertThat(e.otpauthUri()).contains("algorithm=SHA256&digits=8&period=30");
    String code =
        new Totp(Totp.Algorithm.SHA256, 8, Duration.ofSeconds(30))
            .code(e.secret(), clock.instant());
    assertThat(s256.activate("alice", code).value()).isPresent();
  }

  @Test
  void pendingFactorIsNotEnrolledAndVerifiesNothing() {
    String secret = enroll("alice");

    assertThat(mfa.isEnrolled("alice")).isFalse();
    assertThat(reason(mfa.verify("alice", code(secret))))
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
  }

  @Test
  void activationNeedsACorrectCodeAndGivesTenRecoveryCodes() {
    String secret = enroll("alice");

    assertThat(mfa.activate("alice", "000000").failure()).isPresent();
    List<String> codes = mfa.activate("alice", code(secret)).value().orElseThrow();

    assertThat(codes).hasSize(10).doesNotHaveDuplicates();
    assertThat(codes).allMatch(c -> c.matches("[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}"));
    assertThat(mfa.isEnrolled("alice")).isTrue();
  }

  @Test
  void activeFactorCannotBeReEnrolledOver() {
    activeFactor("alice");

    assertThat(mfa.enroll("alice", "alice").failure()).isPresent();
  }

  @Test
  void correctCodeVerifiesOnceOnly() {
    String secret = activeFactor("alice");
    String code = code(secret);

    AuthResult first = mfa.verify("alice", code);
    AuthResult second = mfa.verify("alice", code);

    assertThat(first.principal().orElseThrow().attributes()).containsEntry("amr", "otp");
    assertThat(reason(second)).isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
  }

  @Test
  void activationCodeCannotBeReplayedToVerify() {
    String secret = enroll("alice");
    String code = code(secret);
    mfa.activate("alice", code);

    assertThat(mfa.verify("alice", code).succeeded()).isFalse();
  }

  @Test
  void codesWithinTheDriftWindowVerifyAndOlderOnesDoNot() {
    String secret = activeFactor("alice");
    String previous = code(secret);
    clock.advance(Duration.ofSeconds(30));
    assertThat(mfa.verify("alice", previous).succeeded()).isTrue();

    String old = code(secret);
    clock.advance(Duration.ofSeconds(60));
    assertThat(mfa.verify("alice", old).succeeded()).isFalse();
  }

  @Test
  void anEarlierStepIsRefusedOnceALaterOneWasAccepted() {
    String secret = activeFactor("alice");
    String now = code(secret);
    String next = Totp.DEFAULT.code(secret, clock.instant().plusSeconds(30));

    assertThat(mfa.verify("alice", next).succeeded()).isTrue();
    assertThat(mfa.verify("alice", now).succeeded()).isFalse();
  }

  @Test
  void recoveryCodeVerifiesOnceInAnySpelling() {
    List<String> codes = recoveryCodes("alice");
    String lenient = codes.get(0).toLowerCase(java.util.Locale.ROOT).replace("-", " ");

    AuthResult first = mfa.verify("alice", lenient);

    assertThat(first.principal().orElseThrow().attributes()).containsEntry("amr", "recovery_code");
    assertThat(mfa.verify("alice", codes.get(0)).succeeded()).isFalse();
    assertThat(mfa.verify("alice", codes.get(1)).succeeded()).isTrue();
  }

  @Test
  void recoveryCodesOfOneSubjectAreNothingForAnother() {
    List<String> alice = recoveryCodes("alice");
    recoveryCodes("bob");

    assertThat(mfa.verify("bob", alice.get(0)).succeeded()).isFalse();
  }

  @Test
  void regeneratedRecoveryCodesReplaceTheOldOnes() {
    List<String> old = recoveryCodes("alice");

    List<String> fresh = mfa.regenerateRecoveryCodes("alice").value().orElseThrow();

    assertThat(mfa.verify("alice", old.get(0)).succeeded()).isFalse();
    assertThat(mfa.verify("alice", fresh.get(0)).succeeded()).isTrue();
  }

  @Test
  void wrongCodesLockTheSubjectAndTheLockEnds() {
    String secret = activeFactor("alice");
    for (int i = 0; i < 5; i++) {
      assertThat(reason(mfa.verify("alice", "000000")))
          .isIn(AuthResult.Reason.INVALID_CREDENTIALS, AuthResult.Reason.LOCKED);
    }

    AuthResult locked = mfa.verify("alice", code(secret));

    assertThat(reason(locked)).isEqualTo(AuthResult.Reason.LOCKED);
    Instant retryAt = locked.failure().orElseThrow().retryAt().orElseThrow();
    assertThat(retryAt).isAfter(clock.instant());
    clock.set(retryAt.plusSeconds(1));
    assertThat(mfa.verify("alice", code(secret)).succeeded()).isTrue();
  }

  @Test
  void concurrentUsesOfOneCodeHaveExactlyOneWinner() throws Exception {
    // Every loser counts as a wrong code: a throttle wide enough for the rounds' losers.
    mfa =
        SecondFactors.builder(store, "Example Co", "k1", KEY)
            .clock(clock)
            .throttlePolicy(
                new dev.latchkey.core.ThrottlePolicy(
                    1000, 1000, Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofHours(1)))
            .build();
    String secret = activeFactor("alice");
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 40; round++) {
        clock.advance(Duration.ofSeconds(30));
        String code = code(secret);
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          results.add(
              pool.submit(
                  () -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    return mfa.verify("alice", code).succeeded();
                  }));
        }
        int wins = 0;
        for (Future<Boolean> f : results) {
          wins += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(wins).as("round %s", round).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void nodesWhoseClocksDifferWithinTheDriftStillAcceptACodeOnlyOnce() {
    String secret = activeFactor("alice");
    // A second node on the same store whose clock runs 25 s behind: within one step of drift.
    Clock behind = Clock.offset(clock, Duration.ofSeconds(-25));
    SecondFactors lagging =
        SecondFactors.builder(store, "Example Co", "k1", KEY).clock(behind).build();

    for (int round = 0; round < 20; round++) {
      String now = code(secret);
      boolean first = mfa.verify("alice", now).succeeded();
      boolean second = lagging.verify("alice", now).succeeded();
      assertThat(first && second).as("round %d: one code, two nodes", round).isFalse();
      assertThat(first || second).as("round %d: the code is good somewhere", round).isTrue();
      // The lagging node's own current code is a step the store has already passed, or this one.
      String laggingCode = Totp.DEFAULT.code(secret, behind.instant());
      if (!laggingCode.equals(now)) {
        assertThat(lagging.verify("alice", laggingCode).succeeded())
            .as("round %d: an earlier step after a later one", round)
            .isFalse();
      }
      clock.advance(Duration.ofSeconds(30));
    }
  }

  @Test
  void storeHoldsNoUsableSecret() {
    String secret = activeFactor("alice");

    String sealed = store.find("alice").orElseThrow().sealedSecret();

    assertThat(sealed).startsWith("k1.").doesNotContain(secret);
    assertThat(sealed)
        .doesNotContain(
            java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Base32.decode(secret)));
  }

  @Test
  void anotherKeyOpensNothingAndTheServiceFailsClosed() {
    String secret = activeFactor("alice");
    SecondFactors wrongKey = service(store, "k1", OTHER_KEY);

    assertThat(reason(wrongKey.verify("alice", code(secret))))
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
  }

  @Test
  void previousKeyStillOpensFactorsSealedUnderIt() {
    String secret = activeFactor("alice");
    SecondFactors rotated =
        SecondFactors.builder(store, "Example Co", "k2", OTHER_KEY)
            .previousKey("k1", KEY)
            .clock(clock)
            .build();

    assertThat(rotated.verify("alice", code(secret)).succeeded()).isTrue();
    assertThat(rotated.enroll("bob", "bob").value()).isPresent();
    assertThat(store.find("bob").orElseThrow().sealedSecret()).startsWith("k2.");
  }

  @Test
  void sealedSecretMovedToAnotherSubjectDoesNotOpen() {
    String secret = activeFactor("alice");
    String sealed = store.find("alice").orElseThrow().sealedSecret();
    store.enroll("mallory", sealed);
    store.activate("mallory", sealed, 0, java.util.Set.of());

    assertThat(reason(mfa.verify("mallory", code(secret))))
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
  }

  @Test
  void unreachableStoreIsUnavailable() {
    SecondFactorStore down = mock(SecondFactorStore.class);
    when(down.find(anyString())).thenThrow(new StoreUnavailableException("down"));
    when(down.enroll(anyString(), anyString())).thenThrow(new StoreUnavailableException("down"));
    SecondFactors failing = service(down, "k1", KEY);

    assertThat(reason(failing.verify("alice", "123456"))).isEqualTo(AuthResult.Reason.UNAVAILABLE);
    assertThat(failing.enroll("alice", "alice").failure().orElseThrow().reason())
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
    assertThat(failing.activate("alice", "123456").failure().orElseThrow().reason())
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
  }

  @Test
  void eventsNameTheSubjectAndNeverTheCode() {
    String secret = activeFactor("alice");
    String code = code(secret);
    mfa.verify("alice", code);
    mfa.verify("alice", code);
    mfa.disable("alice");

    assertThat(events)
        .anySatisfy(e -> assertThat(e).isInstanceOf(AuthEvent.Succeeded.class))
        .anySatisfy(e -> assertThat(e).isInstanceOf(AuthEvent.Failed.class))
        .anySatisfy(e -> assertThat(e).isInstanceOf(AuthEvent.Revoked.class))
        .allSatisfy(e -> assertThat(e.toString()).doesNotContain(code).doesNotContain(secret));
  }

  @Test
  void noSecretReachesAToString() {
    SecondFactors.Enrollment e = mfa.enroll("alice", "alice").value().orElseThrow();
    SecondFactors.Outcome<List<String>> activated =
        mfa.activate("alice", Totp.DEFAULT.code(e.secret(), clock.instant()));
    String code = activated.value().orElseThrow().get(0);
    SecondFactorStore.Factor factor = store.find("alice").orElseThrow();

    assertThat(activated.toString()).doesNotContain(code);
    assertThat(factor.toString()).doesNotContain(factor.sealedSecret());
    assertThat(mfa.toString()).doesNotContain(e.secret());
    assertThat(e.toString()).doesNotContain(e.secret()).doesNotContain(e.otpauthUri());
  }

  @Test
  void disabledFactorVerifiesNothing() {
    List<String> codes = recoveryCodes("alice");

    assertThat(mfa.disable("alice")).isTrue();

    assertThat(mfa.isEnrolled("alice")).isFalse();
    assertThat(mfa.verify("alice", codes.get(0)).succeeded()).isFalse();
  }
}
