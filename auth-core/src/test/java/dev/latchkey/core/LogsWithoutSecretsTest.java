package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.internal.FailClosed;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What auth-core logs when something goes wrong: enough to notice (the class of what failed) and
 * never the message of an exception, which could echo a password, a token or attacker input. {@link
 * System.Logger} goes to java.util.logging here, so a JUL handler sees every record.
 */
class LogsWithoutSecretsTest {
  private static final String SECRET = "s3cret-token-value";
  private static final String[] LOGGERS = {
    AuthenticatorChain.class.getName(),
    AuthListener.class.getName(),
    PasswordAuthenticator.class.getName(),
    FailClosed.class.getName()
  };

  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final List<Logger> loggers = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureLogs() {
    for (String name : LOGGERS) {
      Logger logger = Logger.getLogger(name);
      logger.addHandler(capture);
      logger.setUseParentHandlers(false);
      loggers.add(logger); // a strong reference: JUL holds loggers weakly
    }
  }

  @AfterEach
  void releaseLogs() {
    for (Logger logger : loggers) {
      logger.removeHandler(capture);
      logger.setUseParentHandlers(true);
    }
  }

  @Test
  void strategyThatThrowsIsLoggedByClassNeverByMessage() {
    AuthenticatorChain chain =
        AuthenticatorChain.builder().add(strategy(new IllegalStateException(SECRET))).build();

    chain.authenticate(new BearerToken(SECRET));

    assertThat(records).hasSize(1);
    assertThat(records.get(0).getLevel()).isEqualTo(Level.SEVERE);
    assertThat(records.get(0).getMessage())
        .contains("java.lang.IllegalStateException")
        .doesNotContain(SECRET);
  }

  @Test
  void strategyThatReturnsNullIsLogged() {
    AuthenticatorChain chain = AuthenticatorChain.builder().add(strategy(null)).build();

    chain.authenticate(new BearerToken(SECRET));

    assertThat(records).hasSize(1);
    assertThat(records.get(0).getMessage()).contains("returned null").doesNotContain(SECRET);
  }

  @Test
  void ambiguousCredentialsAreLoggedAndUnknownOnesAreNot() {
    AuthenticatorChain chain =
        AuthenticatorChain.builder().add(forType(First.class)).add(forType(Second.class)).build();

    chain.authenticate(new Unrelated());
    assertThat(records).isEmpty();

    chain.authenticate(new Both());
    assertThat(records).hasSize(1);
    assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
    assertThat(records.get(0).getMessage()).contains(Both.class.getName());
  }

  @Test
  void listenerThatThrowsIsLoggedByClassNeverByMessage() {
    AuthListener guarded =
        AuthListener.guarded(
            event -> {
              throw new IllegalArgumentException(SECRET);
            });

    guarded.onEvent(new AuthEvent.Revoked(java.time.Instant.EPOCH, "user-1", "session"));

    assertThat(records).hasSize(1);
    assertThat(records.get(0).getMessage())
        .contains("java.lang.IllegalArgumentException")
        .doesNotContain(SECRET);
  }

  @Test
  void failedRehashIsLoggedByClassNeverByMessage() {
    BcryptPasswordHasher old = BcryptPasswordHasher.withCost(4);
    InMemoryUserDirectory directory =
        InMemoryUserDirectory.create()
            .add(new UserAccount("alice", Principal.of("u"), old.hash("pw".toCharArray())));
    PasswordAuthenticator passwords =
        PasswordAuthenticator.builder(directory, BcryptPasswordHasher.withCost(5))
            .onRehash(
                (account, hash) -> {
                  throw new IllegalStateException(SECRET);
                })
            .build();

    AuthResult result = passwords.authenticate(PasswordCredentials.of("alice", "pw".toCharArray()));

    assertThat(result.succeeded()).isTrue();
    assertThat(records).hasSize(1);
    assertThat(records.get(0).getMessage())
        .contains("java.lang.IllegalStateException")
        .doesNotContain(SECRET);
  }

  private static Authenticator<BearerToken> strategy(RuntimeException thrown) {
    return new Authenticator<>() {
      @Override
      public Class<BearerToken> credentialType() {
        return BearerToken.class;
      }

      @Override
      public AuthResult authenticate(BearerToken credentials) {
        if (thrown != null) {
          throw thrown;
        }
        return null;
      }
    };
  }

  private interface First extends Credentials {}

  private interface Second extends Credentials {}

  private static final class Both implements First, Second {}

  private static final class Unrelated implements Credentials {}

  private static <C extends Credentials> Authenticator<C> forType(Class<C> type) {
    return new Authenticator<>() {
      @Override
      public Class<C> credentialType() {
        return type;
      }

      @Override
      public AuthResult authenticate(C credentials) {
        return AuthResult.failure(AuthResult.Reason.INVALID_CREDENTIALS, "no");
      }
    };
  }
}
