package dev.latchkey.core;

import static dev.latchkey.core.HostileInput.bounded;
import static dev.latchkey.core.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link PasswordAuthenticator} with arbitrary login names, passwords and client addresses: it
 * answers with a typed {@link AuthResult}, never an exception and never {@code null}, within a
 * bound, and succeeds only for the right name with the right password. bCrypt at cost 4 and few
 * tries: each try does real bCrypt work.
 */
class PasswordAuthenticatorPropertiesTest {
  private static final String NAME = "alice";
  private static final String PASSWORD = "s3cret!";
  private static final Principal ALICE = Principal.of("user-1", Set.of("admin"));
  private static final BcryptPasswordHasher BCRYPT = BcryptPasswordHasher.withCost(4);
  private static final String HASH = BCRYPT.hash(PASSWORD.toCharArray());

  /** Never locks within a property's tries, so that the oracle below is exact. */
  private static final ThrottlePolicy LENIENT =
      new ThrottlePolicy(
          1_000_000,
          1_000_000,
          Duration.ofMinutes(1),
          Duration.ofMinutes(1),
          Duration.ofMinutes(1));

  /** Locks after two failures, so that tries also run into LOCKED. */
  private static final ThrottlePolicy STRICT =
      new ThrottlePolicy(2, 3, Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofHours(1));

  private final InMemoryUserDirectory directory =
      InMemoryUserDirectory.create().add(new UserAccount(NAME, ALICE, HASH));
  private final PasswordAuthenticator lenient = authenticator(LENIENT);
  private final PasswordAuthenticator strict = authenticator(STRICT);

  @Test
  void onlyTheRightNameAndPasswordSucceed() {
    record Case(String name, String password, String address) {}
    forAll(
        25,
        random ->
            new Case(names().next(random), passwords().next(random), addresses().next(random)),
        c -> {
          String name = c.name();
          String password = c.password();
          String address = c.address();
          AuthResult result =
              bounded(() -> lenient.authenticate(credentials(name, password, address)));

          assertThat(result).isNotNull();
          boolean right = NAME.equals(name) && PASSWORD.equals(password);
          if (right) {
            assertThat(result).isEqualTo(AuthResult.success(ALICE));
          } else {
            AuthResult.Reason reason = result.failure().orElseThrow().reason();
            assertThat(reason)
                .isIn(AuthResult.Reason.INVALID_CREDENTIALS, AuthResult.Reason.MALFORMED);
          }
        });
  }

  @Test
  void underAStrictThrottleEveryAnswerIsTypedAndNoneIsAWrongSuccess() {
    record Case(String name, String password, String address) {}
    forAll(
        25,
        random ->
            new Case(names().next(random), passwords().next(random), addresses().next(random)),
        c -> {
          String name = c.name();
          String password = c.password();
          String address = c.address();
          AuthResult result =
              bounded(() -> strict.authenticate(credentials(name, password, address)));

          assertThat(result).isNotNull();
          if (result.succeeded()) {
            assertThat(name).isEqualTo(NAME);
            assertThat(password).isEqualTo(PASSWORD);
          } else {
            AuthResult.Failure failure = result.failure().orElseThrow();
            assertThat(failure.reason())
                .isIn(
                    AuthResult.Reason.INVALID_CREDENTIALS,
                    AuthResult.Reason.MALFORMED,
                    AuthResult.Reason.LOCKED);
            assertThat(failure.retryAt().isPresent())
                .isEqualTo(failure.reason() == AuthResult.Reason.LOCKED);
            // Safe to show a user or a log: neither the password nor the name is echoed.
            if (password.length() >= 4) {
              assertThat(failure.detail()).doesNotContain(password);
            }
          }
        });
  }

  @Test
  void megabyteNamesAndPasswordsAreRefusedInBoundedTime() {
    forAll(
        3,
        huge(),
        huge -> {
          AuthResult asName =
              bounded(() -> lenient.authenticate(credentials(huge, PASSWORD, null)));
          AuthResult asPassword =
              bounded(() -> lenient.authenticate(credentials(NAME, huge, null)));

          assertThat(asName.failure().orElseThrow().reason())
              .isEqualTo(AuthResult.Reason.MALFORMED);
          assertThat(asPassword.failure().orElseThrow().reason())
              .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
        });
  }

  private PasswordAuthenticator authenticator(ThrottlePolicy policy) {
    return PasswordAuthenticator.builder(directory, BCRYPT)
        .throttle(InMemoryLoginThrottle.builder(policy).clock(TestClock.atNow()).build())
        .build();
  }

  private static PasswordCredentials credentials(String name, String password, String address) {
    return address == null
        ? PasswordCredentials.of(name, password.toCharArray())
        : PasswordCredentials.of(name, password.toCharArray(), address);
  }

  Gen<String> names() {
    return Gen.frequency(
        Gen.weight(3, Gen.just(NAME)),
        Gen.weight(3, HostileInput.mutationsOf(Gen.just(NAME)).map(HostileInput.Mutated::mutated)),
        Gen.weight(2, HostileInput.hostileStrings(40)),
        Gen.weight(1, Gen.ints(250, 300).map(n -> "a".repeat(n))));
  }

  Gen<String> passwords() {
    return Gen.frequency(
        Gen.weight(3, Gen.just(PASSWORD)),
        Gen.weight(
            3, HostileInput.mutationsOf(Gen.just(PASSWORD)).map(HostileInput.Mutated::mutated)),
        Gen.weight(2, HostileInput.hostileStrings(80)),
        // Around bCrypt's 72-byte limit, and past it with the right password as a prefix.
        Gen.weight(1, Gen.ints(60, 90).map(n -> PASSWORD + "x".repeat(n))));
  }

  Gen<String> addresses() {
    return Gen.oneOf(
        Gen.of("203.0.113.7", "::1"), HostileInput.hostileStrings(40), Gen.just((String) null));
  }

  Gen<String> huge() {
    return HostileInput.hugeStrings(PASSWORD);
  }
}
