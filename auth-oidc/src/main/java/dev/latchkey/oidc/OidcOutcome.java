package dev.latchkey.oidc;

import dev.latchkey.core.Assurance;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of {@link OidcLogin}: where to send the browser ({@link Redirect}, from {@link
 * OidcLogin#begin}), who signed in ({@link SignedIn}, from {@link OidcLogin#complete}), or why not
 * ({@link Refused}). A caller reads it through {@link #redirect()}, {@link #signedIn()} and {@link
 * #refusal()}, never by a cast. Never carries a token, a code or a secret in {@code toString()}.
 */
public sealed interface OidcOutcome
    permits OidcOutcome.Redirect, OidcOutcome.SignedIn, OidcOutcome.Refused {

  /** {@return the redirect of a started login, else empty} */
  default Optional<Redirect> redirect() {
    return Optional.empty();
  }

  /** {@return the signed-in user of a finished login, else empty} */
  default Optional<SignedIn> signedIn() {
    return Optional.empty();
  }

  /** {@return the refusal, else empty} */
  default Optional<Refused> refusal() {
    return Optional.empty();
  }

  /**
   * Why a login was refused, each with the HTTP status a web layer answers and a fixed error code
   * that echoes nothing of the request.
   */
  enum Problem {
    /**
     * The callback's {@code state} is missing, malformed, unknown, used already, ended by a newer
     * login of the same client, or expired.
     */
    INVALID_STATE(400, "invalid_state"),
    /**
     * The callback came without the browser-binding cookie of the browser that started the login,
     * or with another one: a forged or swapped callback.
     */
    BROWSER_MISMATCH(400, "browser_mismatch"),
    /** The callback has a {@code state} but neither a {@code code} nor an {@code error}. */
    MALFORMED_CALLBACK(400, "malformed_callback"),
    /** The provider answered the callback with an {@code error} (the user declined, ...). */
    PROVIDER_ERROR(401, "provider_error"),
    /** The provider refused the code at its token endpoint (used already, expired, forged). */
    CODE_REJECTED(401, "code_rejected"),
    /**
     * The ID token failed a check: signature, algorithm, issuer, audience, {@code azp}, expiry,
     * {@code iat}, nonce; or the userinfo {@code sub} differed from it.
     */
    INVALID_ID_TOKEN(401, "invalid_id_token"),
    /** The application's {@link SubjectMapper} has no account for this provider user. */
    NOT_LINKED(403, "account_not_linked"),
    /**
     * The provider or the pending-login store could not be reached, answered too slowly, or
     * answered something that is not a protocol message: nothing was decided (fail closed).
     */
    UNAVAILABLE(503, "unavailable");

    private final int httpStatus;
    private final String error;

    Problem(int httpStatus, String error) {
      this.httpStatus = httpStatus;
      this.error = error;
    }

    /** {@return the HTTP status a web layer answers this with} */
    public int httpStatus() {
      return httpStatus;
    }

    /** {@return the fixed error code for a response body} */
    public String error() {
      return error;
    }

    /** {@return the core reason this problem maps to, for events and metrics} */
    public AuthResult.Reason reason() {
      return switch (this) {
        case INVALID_STATE, BROWSER_MISMATCH, MALFORMED_CALLBACK -> AuthResult.Reason.MALFORMED;
        case PROVIDER_ERROR, CODE_REJECTED, INVALID_ID_TOKEN, NOT_LINKED ->
            AuthResult.Reason.INVALID_CREDENTIALS;
        case UNAVAILABLE -> AuthResult.Reason.UNAVAILABLE;
      };
    }
  }

  /**
   * A started login: send the browser to {@code location} (a 302) and set the browser-binding
   * cookie to {@code browserBinding} until {@code expiresAt}; the callback must present it.
   *
   * @param location the provider's authorization endpoint with every parameter of the request
   * @param browserBinding the cookie value that binds the login to this browser (a secret)
   * @param expiresAt when the login's callback stops being accepted
   */
  record Redirect(URI location, String browserBinding, Instant expiresAt) implements OidcOutcome {
    /**
     * Checks the parts.
     *
     * @param location where to send the browser
     * @param browserBinding the cookie value
     * @param expiresAt when the login expires
     * @throws NullPointerException if an argument is null
     */
    public Redirect {
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(browserBinding, "browserBinding");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public Optional<Redirect> redirect() {
      return Optional.of(this);
    }

    @Override
    public String toString() {
      // The location carries state and nonce; the binding is the browser's secret.
      return "Redirect[expiresAt=" + expiresAt + "]";
    }
  }

  /**
   * A finished login.
   *
   * @param principal whom the application's {@link SubjectMapper} mapped the provider user to
   * @param level the assurance to record for the new session
   * @param issuer the provider's issuer, as the ID token named it
   * @param subject the provider's {@code sub} for the user
   */
  record SignedIn(Principal principal, Assurance.Level level, String issuer, String subject)
      implements OidcOutcome {
    /**
     * Checks the parts.
     *
     * @param principal the mapped principal
     * @param level the assurance level
     * @param issuer the issuer
     * @param subject the provider's subject
     * @throws NullPointerException if an argument is null
     */
    public SignedIn {
      Objects.requireNonNull(principal, "principal");
      Objects.requireNonNull(level, "level");
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(subject, "subject");
    }

    @Override
    public Optional<SignedIn> signedIn() {
      return Optional.of(this);
    }
  }

  /**
   * A refused login.
   *
   * @param problem what went wrong
   */
  record Refused(Problem problem) implements OidcOutcome {
    /**
     * Checks the part.
     *
     * @param problem what went wrong
     * @throws NullPointerException if {@code problem} is null
     */
    public Refused {
      Objects.requireNonNull(problem, "problem");
    }

    @Override
    public Optional<Refused> refusal() {
      return Optional.of(this);
    }

    /** {@return the refusal as the core's failure value} */
    public AuthResult.Failure failure() {
      return new AuthResult.Failure(problem.reason(), problem.error(), Optional.empty());
    }
  }
}
