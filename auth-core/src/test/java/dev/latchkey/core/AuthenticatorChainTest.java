package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AuthenticatorChainTest {

  /** An application's own credentials type, e.g. an API key. */
  record ApiKey(String value) implements Credentials {
    @Override
    public String toString() {
      return "ApiKey[<redacted>]";
    }
  }

  interface Certificate extends Credentials {}

  interface Signed extends Credentials {}

  record ClientCertificate(String fingerprint) implements Certificate {}

  record SignedCertificate(String fingerprint) implements Certificate, Signed {}

  static final class Fixed<C extends Credentials> implements Authenticator<C> {
    private final Class<C> type;
    private final String subject;
    final AtomicInteger calls = new AtomicInteger();

    Fixed(Class<C> type, String subject) {
      this.type = type;
      this.subject = subject;
    }

    @Override
    public Class<C> credentialType() {
      return type;
    }

    @Override
    public AuthResult authenticate(C credentials) {
      calls.incrementAndGet();
      return AuthResult.success(Principal.of(subject));
    }
  }

  static final class Throwing implements Authenticator<ApiKey> {
    private final RuntimeException toThrow;

    Throwing(RuntimeException toThrow) {
      this.toThrow = toThrow;
    }

    @Override
    public Class<ApiKey> credentialType() {
      return ApiKey.class;
    }

    @Override
    public AuthResult authenticate(ApiKey credentials) {
      throw toThrow;
    }
  }

  @Test
  void dispatchesByCredentialsType() {
    Fixed<BearerToken> bearer = new Fixed<>(BearerToken.class, "by-bearer");
    Fixed<SessionCookie> session = new Fixed<>(SessionCookie.class, "by-session");
    AuthenticatorChain chain = AuthenticatorChain.builder().add(bearer).add(session).build();

    assertThat(subjectOf(chain.authenticate(new SessionCookie("x")))).isEqualTo("by-session");
    assertThat(subjectOf(chain.authenticate(new BearerToken("y")))).isEqualTo("by-bearer");
    assertThat(bearer.calls).hasValue(1);
    assertThat(session.calls).hasValue(1);
  }

  @Test
  void unregisteredTypeIsUnsupported() {
    AuthenticatorChain chain =
        AuthenticatorChain.builder().add(new Fixed<>(BearerToken.class, "b")).build();

    AuthResult result = chain.authenticate(new SessionCookie("x"));

    assertThat(result.failure().orElseThrow().reason()).isEqualTo(AuthResult.Reason.UNSUPPORTED);
  }

  @Test
  void userAddedCredentialsTypeWithItsOwnStrategy() {
    AuthenticatorChain chain =
        AuthenticatorChain.builder()
            .add(new Fixed<>(BearerToken.class, "b"))
            .add(new Fixed<>(ApiKey.class, "api-client"))
            .build();

    assertThat(subjectOf(chain.authenticate(new ApiKey("k")))).isEqualTo("api-client");
  }

  @Test
  void fallsBackToTheMostSpecificRegisteredSupertype() {
    Fixed<Credentials> any = new Fixed<>(Credentials.class, "any");
    Fixed<Certificate> certificates = new Fixed<>(Certificate.class, "certificate");
    AuthenticatorChain chain = AuthenticatorChain.builder().add(any).add(certificates).build();

    assertThat(subjectOf(chain.authenticate(new ClientCertificate("f")))).isEqualTo("certificate");
    assertThat(subjectOf(chain.authenticate(new ApiKey("k")))).isEqualTo("any");
  }

  @Test
  void exactTypeWinsOverASupertype() {
    AuthenticatorChain chain =
        AuthenticatorChain.builder()
            .add(new Fixed<>(Certificate.class, "certificate"))
            .add(new Fixed<>(ClientCertificate.class, "client"))
            .build();

    assertThat(subjectOf(chain.authenticate(new ClientCertificate("f")))).isEqualTo("client");
  }

  @Test
  void twoUnrelatedMatchingSupertypesAreRefusedNotGuessed() {
    AuthenticatorChain chain =
        AuthenticatorChain.builder()
            .add(new Fixed<>(Certificate.class, "certificate"))
            .add(new Fixed<>(Signed.class, "signed"))
            .build();

    assertThat(reasonOf(chain.authenticate(new SignedCertificate("f"))))
        .isEqualTo(AuthResult.Reason.UNSUPPORTED);
  }

  @Test
  void nullCredentialsAreMalformed() {
    AuthenticatorChain chain =
        AuthenticatorChain.builder().add(new Fixed<>(BearerToken.class, "b")).build();

    assertThat(reasonOf(chain.authenticate(null))).isEqualTo(AuthResult.Reason.MALFORMED);
  }

  @Test
  void strategyThatThrowsIsAnsweredUnavailable() {
    AuthenticatorChain chain =
        AuthenticatorChain.builder()
            .add(new Throwing(new IllegalStateException("secret-key-material")))
            .build();

    AuthResult result = chain.authenticate(new ApiKey("k"));

    assertThat(reasonOf(result)).isEqualTo(AuthResult.Reason.UNAVAILABLE);
    assertThat(result.failure().orElseThrow().detail()).doesNotContain("secret");
  }

  @Test
  void storeUnavailableIsAnsweredUnavailable() {
    AuthenticatorChain chain =
        AuthenticatorChain.builder()
            .add(new Throwing(new StoreUnavailableException("redis down")))
            .build();

    assertThat(reasonOf(chain.authenticate(new ApiKey("k"))))
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
  }

  @Test
  void strategyThatReturnsNullFailsClosed() {
    Authenticator<ApiKey> broken =
        new Authenticator<>() {
          @Override
          public Class<ApiKey> credentialType() {
            return ApiKey.class;
          }

          @Override
          public AuthResult authenticate(ApiKey credentials) {
            return null;
          }
        };
    AuthenticatorChain chain = AuthenticatorChain.builder().add(broken).build();

    assertThat(reasonOf(chain.authenticate(new ApiKey("k"))))
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
  }

  @Test
  void duplicateRegistrationIsRefusedAtBuild() {
    AuthenticatorChain.Builder builder =
        AuthenticatorChain.builder()
            .add(new Fixed<>(BearerToken.class, "one"))
            .add(new Fixed<>(BearerToken.class, "two"));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(BearerToken.class.getName());
  }

  @Test
  void emptyChainIsRefusedAtBuild() {
    assertThatThrownBy(() -> AuthenticatorChain.builder().build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void nullAuthenticatorIsRefused() {
    assertThatThrownBy(() -> AuthenticatorChain.builder().add(null))
        .isInstanceOf(NullPointerException.class);
  }

  private static String subjectOf(AuthResult result) {
    return result.principal().orElseThrow().subject();
  }

  private static AuthResult.Reason reasonOf(AuthResult result) {
    return result.failure().orElseThrow().reason();
  }
}
