package dev.latchkey.password;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.InMemoryUserDirectory;
import dev.latchkey.core.PasswordAuthenticator;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.UserAccount;
import dev.latchkey.password.AccountOutcome.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PasswordAccountsTest {
  private final InMemoryUserDirectory users = InMemoryUserDirectory.create();
  private final PasswordHashers hashers =
      PasswordHashers.builder().algorithm(new HashAlgorithm.Argon2id(64, 1, 1)).build();
  private final List<String> signedOut = new CopyOnWriteArrayList<>();
  private final PasswordAuthenticator login = PasswordAuthenticator.builder(users, hashers).build();

  private final AccountRegistry registry =
      new AccountRegistry() {
        @Override
        public synchronized boolean create(String loginName, String passwordHash) {
          if (users.findByLoginName(loginName).isPresent()) {
            return false;
          }
          users.add(new UserAccount(loginName, Principal.of(loginName), passwordHash));
          return true;
        }

        @Override
        public boolean setPasswordHash(String subject, String passwordHash) {
          return users.updatePasswordHash(subject, passwordHash);
        }
      };

  private PasswordAccounts accounts(AccountRegistry registry) {
    return PasswordAccounts.builder(registry, hashers, PasswordPolicy.builder().build(), login)
        .signOutEverywhere(signedOut::add)
        .build();
  }

  @Test
  void oneRegistrationWinsARaceForAName() throws Exception {
    PasswordAccounts service = accounts(registry);
    int n = 8;
    CyclicBarrier barrier = new CyclicBarrier(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<AccountOutcome>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String address = "10.0.0." + i;
        results.add(
            pool.submit(
                () -> {
                  barrier.await(5, TimeUnit.SECONDS);
                  return service.register(
                      "racer", "a long enough passphrase".toCharArray(), address);
                }));
      }
      List<Status> statuses = new ArrayList<>();
      for (Future<AccountOutcome> f : results) {
        statuses.add(f.get(10, TimeUnit.SECONDS).status());
      }
      assertThat(statuses).containsOnly(Status.CREATED, Status.EXISTS);
      assertThat(statuses.stream().filter(s -> s == Status.CREATED)).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rejectedAndMalformedAreValues() {
    PasswordAccounts service = accounts(registry);
    AccountOutcome weak = service.register("bob", "password1".toCharArray(), "10.0.0.1");
    assertThat(weak.status()).isEqualTo(Status.REJECTED);
    assertThat(weak.rejections()).containsExactly(Rejection.TOO_SHORT, Rejection.COMMON);
    assertThat(service.register(" bob", "a long enough passphrase".toCharArray(), null).status())
        .isEqualTo(Status.MALFORMED);
    assertThat(service.register("b\nob", "a long enough passphrase".toCharArray(), null).status())
        .isEqualTo(Status.MALFORMED);
    assertThat(users.findByLoginName("bob")).isEmpty();
  }

  @Test
  void aStoreThatIsDownIsUnavailableNeverAnException() {
    AccountRegistry down =
        new AccountRegistry() {
          @Override
          public boolean create(String loginName, String passwordHash) {
            throw new StoreUnavailableException("down", new RuntimeException());
          }

          @Override
          public boolean setPasswordHash(String subject, String passwordHash) {
            throw new StoreUnavailableException("down", new RuntimeException());
          }
        };
    assertThat(
            accounts(down)
                .register("carol", "a long enough passphrase".toCharArray(), null)
                .status())
        .isEqualTo(Status.UNAVAILABLE);
    PasswordPolicy closed =
        PasswordPolicy.builder()
            .breachedPasswords(
                p -> BreachedPasswords.Exposure.UNKNOWN, PasswordPolicy.OnOutage.REFUSE)
            .build();
    assertThat(
            PasswordAccounts.builder(registry, hashers, closed, login)
                .build()
                .register("carol", "a long enough passphrase".toCharArray(), null)
                .status())
        .isEqualTo(Status.UNAVAILABLE);
  }

  @Test
  void aChangeChecksTheCurrentPasswordThroughTheLoginThrottleAndSignsOut() {
    PasswordAccounts service = accounts(registry);
    assertThat(service.register("dana", "the first passphrase".toCharArray(), "10.0.0.2").status())
        .isEqualTo(Status.CREATED);
    List<Status> wrong = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      wrong.add(
          service
              .change(
                  "dana", "nope".toCharArray(), "the second passphrase".toCharArray(), "10.0.0.2")
              .status());
    }
    // The login throttle's default: 5 failures per name, then locked; the right password waits too.
    assertThat(wrong).startsWith(Status.INVALID_CREDENTIALS).contains(Status.LOCKED);
    assertThat(
            service
                .change(
                    "dana",
                    "the first passphrase".toCharArray(),
                    "the second passphrase".toCharArray(),
                    "10.0.0.2")
                .status())
        .isEqualTo(Status.LOCKED);
    assertThat(signedOut).isEmpty();
  }

  @Test
  void aChangeWritesTheNewHashAndEndsEverything() {
    PasswordAccounts service = accounts(registry);
    assertThat(service.register("erin", "the first passphrase".toCharArray(), null).status())
        .isEqualTo(Status.CREATED);
    AccountOutcome short_ =
        service.change("erin", "the first passphrase".toCharArray(), "short".toCharArray(), null);
    assertThat(short_.status()).isEqualTo(Status.REJECTED);
    assertThat(short_.rejections()).containsExactly(Rejection.TOO_SHORT);
    assertThat(
            service
                .change(
                    "erin",
                    "the first passphrase".toCharArray(),
                    "the second passphrase".toCharArray(),
                    null)
                .status())
        .isEqualTo(Status.CHANGED);
    assertThat(signedOut).containsExactly("erin");
    String hash = users.findByLoginName("erin").orElseThrow().passwordHash();
    assertThat(hashers.verify("the second passphrase".toCharArray(), hash)).isTrue();
    assertThat(hashers.verify("the first passphrase".toCharArray(), hash)).isFalse();
    assertThat(Set.of(hash)).allMatch(h -> h.startsWith("$argon2id$"));
  }
}
