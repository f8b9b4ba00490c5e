package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PasswordAuthenticatorTest {
  private static final ThrottlePolicy POLICY =
      new ThrottlePolicy(3, 10, Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofHours(1));
  private static final Principal ALICE = Principal.of("user-1", Set.of("admin"));

  /** Counts the bCrypt verifications, so that equal work is observable without timing. */
  static final class CountingHasher implements PasswordHasher {
    final PasswordHasher delegate;
    final AtomicInteger verifications = new AtomicInteger();
    final AtomicInteger hashes = new AtomicInteger();
    final List<String> verifiedAgainst = new CopyOnWriteArrayList<>();

    CountingHasher(PasswordHasher delegate) {
      this.delegate = delegate;
    }

    @Override
    public String hash(char[] password) {
      hashes.incrementAndGet();
      return delegate.hash(password);
    }

    @Override
    public boolean verify(char[] password, String storedHash) {
      verifications.incrementAndGet();
      verifiedAgainst.add(storedHash);
      return delegate.verify(password, storedHash);
    }

    @Override
    public boolean needsRehash(String storedHash) {
      return delegate.needsRehash(storedHash);
    }
  }

  private final TestClock clock = TestClock.atNow();
  private final BcryptPasswordHasher bcrypt = BcryptPasswordHasher.withCost(4);
  private final CountingHasher hasher = new CountingHasher(bcrypt);
  private final InMemoryUserDirectory directory = InMemoryUserDirectory.create();
  private final List<AuthEvent> events = new CopyOnWriteArrayList<>();
  private InMemoryLoginThrottle throttle;
  private PasswordAuthenticator authenticator;

  @BeforeEach
  void setUp() {
    directory.add(new UserAccount("alice", ALICE, bcrypt.hash("s3cret!".toCharArray())));
    throttle = InMemoryLoginThrottle.builder(POLICY).clock(clock).build();
    authenticator =
        PasswordAuthenticator.builder(directory, hasher)
            .throttle(throttle)
            .listener(events::add)
            .clock(clock)
            .build();
    hasher.verifications.set(0);
    hasher.hashes.set(0);
  }

  @Test
  void rightPasswordAuthenticatesWithTheAccountsPrincipal() {
    AuthResult result = authenticator.authenticate(login("alice", "s3cret!"));

    assertThat(result).isEqualTo(AuthResult.success(ALICE));
    assertThat(events)
        .containsExactly(new AuthEvent.Succeeded(clock.instant(), "user-1", "password"));
  }

  @Test
  void wrongPasswordIsInvalidCredentials() {
    AuthResult result = authenticator.authenticate(login("alice", "wrong"));

    assertThat(failure(result).reason()).isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
    assertThat(events)
        .containsExactly(
            new AuthEvent.Failed(
                clock.instant(), "alice", "password", AuthResult.Reason.INVALID_CREDENTIALS));
  }

  @Test
  void unknownUserDoesTheSameBcryptWorkAndGetsTheSameAnswer() {
    AuthResult wrongPassword = authenticator.authenticate(login("alice", "wrong"));
    int afterKnown = hasher.verifications.get();
    String knownHash = hasher.verifiedAgainst.get(0);
    AuthResult unknownUser = authenticator.authenticate(login("mallory", "wrong"));

    assertThat(afterKnown).isEqualTo(1);
    assertThat(hasher.verifications).hasValue(2);
    String dummy = hasher.verifiedAgainst.get(1);
    assertThat(dummy).isNotEqualTo(knownHash);
    assertThat(dummy.substring(0, 7)).as("same cost").isEqualTo(knownHash.substring(0, 7));
    assertThat(unknownUser).isEqualTo(wrongPassword);
  }

  @Test
  void unknownUserIsCountedByTheThrottle() {
    for (int i = 0; i < 3; i++) {
      authenticator.authenticate(login("mallory", "guess" + i));
    }

    assertThat(failure(authenticator.authenticate(login("mallory", "x"))).reason())
        .isEqualTo(AuthResult.Reason.LOCKED);
  }

  @Test
  void failureThatReachesTheLimitAnswersLockedWithRetryTime() {
    authenticator.authenticate(login("alice", "a"));
    authenticator.authenticate(login("alice", "b"));

    AuthResult.Failure third = failure(authenticator.authenticate(login("alice", "c")));

    assertThat(third.reason()).isEqualTo(AuthResult.Reason.LOCKED);
    assertThat(third.retryAt()).contains(clock.instant().plus(Duration.ofMinutes(1)));
  }

  @Test
  void lockedNameIsRefusedBeforeAnyBcryptWorkEvenWithTheRightPassword() {
    for (int i = 0; i < 3; i++) {
      authenticator.authenticate(login("alice", "wrong" + i));
    }
    hasher.verifications.set(0);

    AuthResult.Failure result = failure(authenticator.authenticate(login("alice", "s3cret!")));

    assertThat(result.reason()).isEqualTo(AuthResult.Reason.LOCKED);
    assertThat(result.retryAt()).isPresent();
    assertThat(hasher.verifications).hasValue(0);
  }

  @Test
  void lockEndsAfterTheLockout() {
    for (int i = 0; i < 3; i++) {
      authenticator.authenticate(login("alice", "wrong" + i));
    }
    clock.advance(Duration.ofMinutes(1));

    assertThat(authenticator.authenticate(login("alice", "s3cret!")).succeeded()).isTrue();
  }

  @Test
  void successResetsTheNamesFailures() {
    authenticator.authenticate(login("alice", "a"));
    authenticator.authenticate(login("alice", "b"));
    authenticator.authenticate(login("alice", "s3cret!"));

    assertThat(failure(authenticator.authenticate(login("alice", "c"))).reason())
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
  }

  @Test
  void lockedAddressIsRefusedForEveryName() {
    for (int i = 0; i < 10; i++) {
      authenticator.authenticate(login("user" + i, "x", "203.0.113.5"));
    }

    AuthResult.Failure result =
        failure(authenticator.authenticate(login("alice", "s3cret!", "203.0.113.5")));

    assertThat(result.reason()).isEqualTo(AuthResult.Reason.LOCKED);
    assertThat(authenticator.authenticate(login("alice", "s3cret!", "198.51.100.1")).succeeded())
        .isTrue();
  }

  @Test
  void spellingsOfOneAccountShareOneBudget() {
    UserDirectory caseInsensitive =
        name ->
            name.equalsIgnoreCase("alice") ? directory.findByLoginName("alice") : Optional.empty();
    PasswordAuthenticator auth =
        PasswordAuthenticator.builder(caseInsensitive, hasher).throttle(throttle).build();

    auth.authenticate(login("alice", "wrong1"));
    auth.authenticate(login("ALICE", "wrong2"));
    AuthResult.Failure third = failure(auth.authenticate(login("Alice", "wrong3")));
    AuthResult.Failure fourth = failure(auth.authenticate(login("aLiCe", "s3cret!")));

    assertThat(third.reason()).isEqualTo(AuthResult.Reason.LOCKED);
    assertThat(fourth.reason()).isEqualTo(AuthResult.Reason.LOCKED);
  }

  @Test
  void spellingsOfAnUnknownNameShareOneBudgetAsAKnownOnesWould() {
    // Otherwise a lock that spans spellings would tell a known name from an unknown one.
    authenticator.authenticate(login("mallory", "a"));
    authenticator.authenticate(login("MALLORY", "b"));
    authenticator.authenticate(login("Mallory", "c"));

    assertThat(failure(authenticator.authenticate(login("\uff4dallory", "d"))).reason())
        .isEqualTo(AuthResult.Reason.LOCKED);
  }

  @Test
  void throttledNamesAreFoldedAndBounded() {
    assertThat(PasswordAuthenticator.throttleName(" ALICE\t")).isEqualTo("alice");
    assertThat(PasswordAuthenticator.throttleName("\uff21lice")).isEqualTo("alice");
    assertThat(PasswordAuthenticator.throttleName("STRASSE"))
        .isEqualTo(PasswordAuthenticator.throttleName("stra\u00dfe"));
    // U+FDFA expands to 18 chars under NFKC: the key is bounded all the same.
    String expanding = "\ufdfa".repeat(PasswordAuthenticator.MAX_LOGIN_NAME_LENGTH);
    assertThat(PasswordAuthenticator.throttleName(expanding).length())
        .isLessThanOrEqualTo(PasswordAuthenticator.MAX_LOGIN_NAME_LENGTH);
    assertThat(PasswordAuthenticator.throttleName(expanding))
        .isNotEqualTo(PasswordAuthenticator.throttleName(expanding.substring(1)));
  }

  @Test
  void ipv6AddressesOfOneSlash64ShareOneBudget() {
    for (int i = 1; i <= 10; i++) {
      authenticator.authenticate(login("user" + i, "x", "2001:db8:1:2::" + Integer.toHexString(i)));
    }

    AuthResult.Failure sameNetwork =
        failure(authenticator.authenticate(login("alice", "s3cret!", "2001:DB8:1:2:ffff:0:0:1")));
    assertThat(sameNetwork.reason()).isEqualTo(AuthResult.Reason.LOCKED);
    assertThat(authenticator.authenticate(login("alice", "s3cret!", "2001:db8:1:3::1")).succeeded())
        .isTrue();
  }

  @Test
  void anIpv4MappedAddressCountsAsItsIpv4Address() {
    for (int i = 0; i < 10; i++) {
      authenticator.authenticate(login("user" + i, "x", "::ffff:203.0.113.5"));
    }

    assertThat(
            failure(authenticator.authenticate(login("alice", "s3cret!", "203.0.113.5"))).reason())
        .isEqualTo(AuthResult.Reason.LOCKED);
    assertThat(authenticator.authenticate(login("alice", "s3cret!", "203.0.113.6")).succeeded())
        .isTrue();
  }

  @Test
  void stringsThatAreNotAddressesShareOneBudget() {
    for (int i = 0; i < 10; i++) {
      authenticator.authenticate(login("user" + i, "x", "not-an-address-" + i));
    }

    assertThat(
            failure(authenticator.authenticate(login("alice", "s3cret!", "203.0.113.5x"))).reason())
        .isEqualTo(AuthResult.Reason.LOCKED);
    assertThat(authenticator.authenticate(login("alice", "s3cret!", "203.0.113.5")).succeeded())
        .isTrue();
  }

  @Test
  void aRightPasswordDoesNotSpendTheAddressBudget() {
    for (int i = 0; i < 9; i++) {
      authenticator.authenticate(login("user" + i, "x", "198.51.100.1"));
    }
    for (int i = 0; i < 20; i++) {
      assertThat(authenticator.authenticate(login("alice", "s3cret!", "198.51.100.1")).succeeded())
          .isTrue();
    }

    assertThat(failure(authenticator.authenticate(login("bob", "x", "198.51.100.1"))).reason())
        .isEqualTo(AuthResult.Reason.LOCKED);
  }

  @Test
  void costUpgradeRehashesThroughTheCallbackOnSuccess() {
    List<String> newHashes = new CopyOnWriteArrayList<>();
    PasswordAuthenticator stronger =
        PasswordAuthenticator.builder(directory, BcryptPasswordHasher.withCost(5))
            .throttle(throttle)
            .onRehash(
                (account, newHash) -> {
                  assertThat(account.loginName()).isEqualTo("alice");
                  newHashes.add(newHash);
                  directory.updatePasswordHash(account.loginName(), newHash);
                })
            .build();

    assertThat(stronger.authenticate(login("alice", "s3cret!")).succeeded()).isTrue();
    assertThat(newHashes).hasSize(1);
    assertThat(newHashes.get(0)).startsWith("$2a$05$");
    assertThat(stronger.authenticate(login("alice", "s3cret!")).succeeded()).isTrue();
    assertThat(newHashes).as("no second rehash once upgraded").hasSize(1);
  }

  @Test
  void noRehashOnFailureOrWhenTheCostIsCurrent() {
    AtomicInteger rehashes = new AtomicInteger();
    PasswordAuthenticator same =
        PasswordAuthenticator.builder(directory, bcrypt)
            .throttle(throttle)
            .onRehash((account, hash) -> rehashes.incrementAndGet())
            .build();
    PasswordAuthenticator stronger =
        PasswordAuthenticator.builder(directory, BcryptPasswordHasher.withCost(5))
            .throttle(throttle)
            .onRehash((account, hash) -> rehashes.incrementAndGet())
            .build();

    same.authenticate(login("alice", "s3cret!"));
    stronger.authenticate(login("alice", "wrong"));

    assertThat(rehashes).hasValue(0);
  }

  @Test
  void rehashCallbackThatThrowsDoesNotFailTheLogin() {
    PasswordAuthenticator stronger =
        PasswordAuthenticator.builder(directory, BcryptPasswordHasher.withCost(5))
            .throttle(throttle)
            .onRehash(
                (account, hash) -> {
                  throw new IllegalStateException("database read-only");
                })
            .build();

    assertThat(stronger.authenticate(login("alice", "s3cret!")).succeeded()).isTrue();
  }

  @Test
  void directoryDownIsUnavailable() {
    UserDirectory down =
        name -> {
          throw new StoreUnavailableException("user table unreachable");
        };
    PasswordAuthenticator auth =
        PasswordAuthenticator.builder(down, bcrypt)
            .throttle(throttle)
            .listener(events::add)
            .build();

    AuthResult.Failure result = failure(auth.authenticate(login("alice", "s3cret!")));

    assertThat(result.reason()).isEqualTo(AuthResult.Reason.UNAVAILABLE);
    assertThat(events).hasSize(1);
    assertThat(((AuthEvent.Failed) events.get(0)).reason())
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
  }

  @Test
  void directoryThrowingAnyRuntimeExceptionIsUnavailable() {
    UserDirectory broken =
        name -> {
          throw new IllegalStateException("connection pool closed");
        };
    PasswordAuthenticator auth =
        PasswordAuthenticator.builder(broken, bcrypt)
            .throttle(throttle)
            .listener(events::add)
            .build();

    AuthResult result = auth.authenticate(login("alice", "s3cret!"));

    assertThat(failure(result).reason()).isEqualTo(AuthResult.Reason.UNAVAILABLE);
    assertThat(failure(result).detail()).doesNotContain("pool");
    assertThat(events)
        .singleElement()
        .isInstanceOfSatisfying(
            AuthEvent.Failed.class,
            f -> assertThat(f.reason()).isEqualTo(AuthResult.Reason.UNAVAILABLE));
  }

  @Test
  void hasherThrowingIsUnavailableNeverSuccess() {
    PasswordHasher broken =
        new PasswordHasher() {
          @Override
          public String hash(char[] password) {
            // The dummy hash is made at build time; only verification breaks.
            return bcrypt.hash(password);
          }

          @Override
          public boolean verify(char[] password, String storedHash) {
            throw new IllegalArgumentException("provider failure");
          }

          @Override
          public boolean needsRehash(String storedHash) {
            return false;
          }
        };
    PasswordAuthenticator auth =
        PasswordAuthenticator.builder(directory, broken).throttle(throttle).build();

    assertThat(failure(auth.authenticate(login("alice", "s3cret!"))).reason())
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
    assertThat(failure(auth.authenticate(login("nobody", "s3cret!"))).reason())
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
  }

  @Test
  void throttleThrowingAnyRuntimeExceptionIsUnavailable() {
    LoginThrottle broken =
        new LoginThrottle() {
          @Override
          public Reservation reserve(String loginName, String clientAddress) {
            throw new UnsupportedOperationException("misconfigured");
          }

          @Override
          public void recordSuccess(String loginName, String clientAddress) {}
        };
    PasswordAuthenticator auth =
        PasswordAuthenticator.builder(directory, hasher).throttle(broken).build();
    hasher.verifications.set(0);

    assertThat(failure(auth.authenticate(login("alice", "s3cret!"))).reason())
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
    assertThat(hasher.verifications).hasValue(0);
  }

  @Test
  void throttleDownIsUnavailableWithoutBcryptWork() {
    LoginThrottle down =
        new LoginThrottle() {
          @Override
          public Reservation reserve(String loginName, String clientAddress) {
            throw new StoreUnavailableException("throttle unreachable");
          }

          @Override
          public void recordSuccess(String loginName, String clientAddress) {
            throw new StoreUnavailableException("throttle unreachable");
          }
        };
    PasswordAuthenticator auth =
        PasswordAuthenticator.builder(directory, hasher).throttle(down).build();
    hasher.verifications.set(0);

    assertThat(failure(auth.authenticate(login("alice", "s3cret!"))).reason())
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
    assertThat(failure(auth.authenticate(login("mallory", "s3cret!", "192.0.2.1"))).reason())
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
    assertThat(hasher.verifications).hasValue(0);
  }

  @Test
  void throttleFailingAfterTheReservationIsUnavailableNotSuccess() {
    LoginThrottle breaksOnWrite =
        new LoginThrottle() {
          @Override
          public Reservation reserve(String loginName, String clientAddress) {
            return Reservation.grant();
          }

          @Override
          public void recordSuccess(String loginName, String clientAddress) {
            throw new StoreUnavailableException("throttle unreachable");
          }
        };
    PasswordAuthenticator auth =
        PasswordAuthenticator.builder(directory, bcrypt).throttle(breaksOnWrite).build();

    assertThat(failure(auth.authenticate(login("alice", "s3cret!"))).reason())
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
    assertThat(failure(auth.authenticate(login("alice", "wrong"))).reason())
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
  }

  @Test
  void overLongPasswordIsInvalidCredentialsAndCounted() {
    String longPassword = "s3cret!" + "x".repeat(100);

    AuthResult.Failure result = failure(authenticator.authenticate(login("alice", longPassword)));

    assertThat(result.reason()).isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
    assertThat(result.detail()).isEqualTo(PasswordAuthenticator.INVALID_DETAIL);
    authenticator.authenticate(login("alice", longPassword));
    assertThat(failure(authenticator.authenticate(login("alice", longPassword))).reason())
        .isEqualTo(AuthResult.Reason.LOCKED);
  }

  @Test
  void emptyOrHugeLoginNameIsMalformed() {
    assertThat(failure(authenticator.authenticate(login("", "pw"))).reason())
        .isEqualTo(AuthResult.Reason.MALFORMED);
    assertThat(failure(authenticator.authenticate(login("n".repeat(257), "pw"))).reason())
        .isEqualTo(AuthResult.Reason.MALFORMED);
    assertThat(hasher.verifications).hasValue(0);
  }

  @Test
  void nullCredentialsAreMalformed() {
    assertThat(failure(authenticator.authenticate(null)).reason())
        .isEqualTo(AuthResult.Reason.MALFORMED);
  }

  @Test
  void eventsNeverCarryThePassword() {
    authenticator.authenticate(login("alice", "wrong-Pa55"));
    authenticator.authenticate(login("alice", "s3cret!"));

    assertThat(events).hasSize(2);
    for (AuthEvent event : events) {
      assertThat(event.toString()).doesNotContain("wrong-Pa55").doesNotContain("s3cret!");
    }
  }

  @Test
  void listenerThatThrowsDoesNotChangeTheOutcome() {
    PasswordAuthenticator auth =
        PasswordAuthenticator.builder(directory, bcrypt)
            .throttle(throttle)
            .listener(
                event -> {
                  throw new IllegalStateException("listener broken");
                })
            .build();

    assertThat(auth.authenticate(login("alice", "s3cret!")).succeeded()).isTrue();
  }

  @Test
  void worksInAChain() {
    AuthenticatorChain chain = AuthenticatorChain.builder().add(authenticator).build();

    assertThat(chain.authenticate(login("alice", "s3cret!")).succeeded()).isTrue();
  }

  private static PasswordCredentials login(String name, String password) {
    return PasswordCredentials.of(name, password.toCharArray());
  }

  private static PasswordCredentials login(String name, String password, String address) {
    return PasswordCredentials.of(name, password.toCharArray(), address);
  }

  private static AuthResult.Failure failure(AuthResult result) {
    assertThat(result.failure()).isPresent();
    return result.failure().orElseThrow();
  }
}
