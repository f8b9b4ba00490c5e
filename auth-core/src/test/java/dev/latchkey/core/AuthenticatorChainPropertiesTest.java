package dev.latchkey.core;

import static dev.latchkey.core.HostileInput.bounded;
import static dev.latchkey.core.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.internal.OpaqueIdsPropertiesTest;
import dev.latchkey.core.spi.HashedId;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AuthenticatorChain} with arbitrary credentials of registered, unregistered and null types,
 * in front of strategies that answer, throw any runtime exception, or return {@code null}: the
 * chain answers with a typed result and never throws, and a success comes only from a strategy that
 * really said success.
 */
class AuthenticatorChainPropertiesTest {
  private static final String LIVE_SESSION = OpaqueIds.generate();
  private static final HashedId LIVE_HASH = OpaqueIds.parse(LIVE_SESSION).orElseThrow();
  private static final Principal USER = Principal.of("user-1");

  /** A session strategy as the session module will write one: parse first, then look up. */
  private static final Authenticator<SessionCookie> SESSIONS =
      new Authenticator<>() {
        @Override
        public Class<SessionCookie> credentialType() {
          return SessionCookie.class;
        }

        @Override
        public AuthResult authenticate(SessionCookie cookie) {
          Optional<HashedId> id = OpaqueIds.parse(cookie.value());
          if (id.isEmpty()) {
            return AuthResult.failure(AuthResult.Reason.MALFORMED, "not a session id");
          }
          return id.get().equals(LIVE_HASH)
              ? AuthResult.success(USER)
              : AuthResult.failure(AuthResult.Reason.INVALID_CREDENTIALS, "no such session");
        }
      };

  /** A strategy whose every kind of fault is chosen by the token's first character. */
  private static final Authenticator<BearerToken> FAULTY =
      new Authenticator<>() {
        @Override
        public Class<BearerToken> credentialType() {
          return BearerToken.class;
        }

        @Override
        public AuthResult authenticate(BearerToken token) {
          String v = token.value();
          char first = v.isEmpty() ? ' ' : v.charAt(0);
          return switch (first % 6) {
            case 0 -> throw new StoreUnavailableException("store down: " + v, null);
            case 1 -> throw new IllegalStateException("bug: " + v);
            case 2 -> null;
            case 3 -> throw new StringIndexOutOfBoundsException(v.length());
            case 4 -> AuthResult.failure(AuthResult.Reason.REVOKED, "revoked");
            default -> AuthResult.failure(AuthResult.Reason.INVALID_CREDENTIALS, "bad token");
          };
        }
      };

  /** A type the chain has no strategy for. */
  private record ApiKey(String value) implements Credentials {}

  /** The chain logs each strategy fault; a thousand of them would bury the build output. */
  private static final java.util.logging.Logger CHAIN_LOG =
      java.util.logging.Logger.getLogger(AuthenticatorChain.class.getName());

  private final AuthenticatorChain chain =
      AuthenticatorChain.builder().add(SESSIONS).add(FAULTY).build();

  @BeforeEach
  void quietTheChainsLog() {
    CHAIN_LOG.setLevel(java.util.logging.Level.OFF);
  }

  @AfterEach
  void restoreTheChainsLog() {
    CHAIN_LOG.setLevel(null);
  }

  @Test
  void everyCredentialGetsATypedAnswerAndOnlyTheLiveSessionSucceeds() {
    forAll(
        1000,
        credentials(),
        credentials -> {
          AuthResult result = bounded(() -> chain.authenticate(credentials));

          assertThat(result).isNotNull();
          if (credentials == null) {
            assertThat(reason(result)).isEqualTo(AuthResult.Reason.MALFORMED);
          } else if (credentials instanceof SessionCookie cookie) {
            assertThat(result.succeeded()).isEqualTo(cookie.value().equals(LIVE_SESSION));
          } else if (credentials instanceof BearerToken token) {
            String v = token.value();
            int kind = (v.isEmpty() ? ' ' : v.charAt(0)) % 6;
            assertThat(reason(result))
                .isEqualTo(
                    kind <= 3
                        ? AuthResult.Reason.UNAVAILABLE
                        : kind == 4
                            ? AuthResult.Reason.REVOKED
                            : AuthResult.Reason.INVALID_CREDENTIALS);
            // Fail closed without echoing input: the detail is the chain's own.
            if (kind <= 3 && v.length() >= 4) {
              assertThat(result.failure().orElseThrow().detail()).doesNotContain(v);
            }
          } else {
            assertThat(reason(result)).isEqualTo(AuthResult.Reason.UNSUPPORTED);
          }
        });
  }

  private static AuthResult.Reason reason(AuthResult result) {
    return result.failure().orElseThrow().reason();
  }

  Gen<Credentials> credentials() {
    Gen<String> sessionValues =
        Gen.oneOf(
            Gen.just(LIVE_SESSION),
            HostileInput.mutationsOf(Gen.just(LIVE_SESSION)).map(HostileInput.Mutated::mutated),
            OpaqueIdsPropertiesTest.validIds(),
            HostileInput.hostileStrings(60));
    return Gen.oneOf(
        sessionValues.map(SessionCookie::new),
        HostileInput.hostileStrings(60).map(BearerToken::new),
        HostileInput.hostileStrings(20).map(ApiKey::new),
        HostileInput.hostileStrings(20)
            .map(name -> PasswordCredentials.of(name, "pw".toCharArray())),
        Gen.just((Credentials) null));
  }
}
