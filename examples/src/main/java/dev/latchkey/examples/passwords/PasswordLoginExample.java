package dev.latchkey.examples.passwords;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.InMemoryUserDirectory;
import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.PasswordAuthenticator;
import dev.latchkey.core.PasswordCredentials;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.Principal;
import dev.latchkey.core.ThrottlePolicy;
import dev.latchkey.core.UserAccount;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * Password login: bCrypt verification, rehash-on-login when the configured cost rises, and the
 * throttle locking a name after repeated failures.
 *
 * <p>Run: {@code mvn -B -q package -DskipTests && java -cp examples/target/latchkey-demo.jar
 * dev.latchkey.examples.passwords.PasswordLoginExample}
 */
public final class PasswordLoginExample {
  private PasswordLoginExample() {}

  public static void main(String[] args) {
    // An account whose hash was made years ago at cost 4...
    InMemoryUserDirectory users = InMemoryUserDirectory.create();
    String oldHash = PasswordHasher.bcrypt(4).hash("correct horse".toCharArray());
    users.add(new UserAccount("alice", Principal.of("alice", Set.of("user")), oldHash));

    // ...and a server that now hashes at cost 10: the next good login upgrades the stored hash.
    PasswordAuthenticator passwords =
        PasswordAuthenticator.builder(users, PasswordHasher.bcrypt(10))
            .throttle(
                LoginThrottle.inMemory(
                    new ThrottlePolicy(
                        3, 100, Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofHours(1)),
                    Clock.systemUTC()))
            .onRehash((account, newHash) -> users.updatePasswordHash(account.loginName(), newHash))
            .build();

    AuthResult ok =
        passwords.authenticate(PasswordCredentials.of("alice", "correct horse".toCharArray()));
    System.out.println("right password:        " + describe(ok));
    String stored = users.findByLoginName("alice").orElseThrow().passwordHash();
    System.out.println("stored hash cost now:  " + stored.substring(4, 6) + " (was 04)");

    AuthResult unknown =
        passwords.authenticate(PasswordCredentials.of("mallory", "guess".toCharArray()));
    System.out.println(
        "unknown user:          " + describe(unknown) + " (same bCrypt work as a wrong password)");

    for (int i = 1; i <= 4; i++) {
      AuthResult wrong =
          passwords.authenticate(PasswordCredentials.of("alice", "tr0ub4dor".toCharArray()));
      System.out.println("wrong password #" + i + ":     " + describe(wrong));
    }
  }

  /** One line saying who logged in, or why not; the other examples print results with it. */
  public static String describe(AuthResult result) {
    return result.fold(
        principal -> "SUCCESS " + principal.subject() + " " + principal.roles(),
        PasswordLoginExample::describe);
  }

  /** One line saying why an authentication failed, and until when a lock holds. */
  public static String describe(AuthResult.Failure failure) {
    return failure.reason()
        + failure.retryAt().map(at -> " (retry at " + at + ")").orElse("")
        + " - "
        + failure.detail();
  }
}
