package dev.latchkey.account;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.internal.FailClosed;
import java.util.Objects;
import java.util.Optional;

/**
 * Password reset by a one-time link: request, check, confirm.
 *
 * <ol>
 *   <li>{@link #request} issues a {@link Purpose#PASSWORD_RESET} token to the named account, if
 *       there is one, and answers the same either way ({@link OneTimeTokens#request}).
 *   <li>{@link #check} looks the token up without using it, for the page the link opens.
 *   <li>{@link #confirm} checks the new password, uses the token (once: a second confirm is
 *       refused), writes the new hash through the {@link PasswordWriter}, ends every session and
 *       token of the subject through the {@link SubjectSignOut} and every one-time token of the
 *       subject, and emits {@link AuthEvent.PasswordReset}.
 * </ol>
 *
 * <p>Every answer is a value; a store, writer or sign-out that fails is {@link
 * AuthResult.Reason#UNAVAILABLE}. Built once by {@link #builder}; immutable and safe for concurrent
 * use.
 */
public final class PasswordReset {
  private static final AuthResult.Failure TOO_SHORT =
      AuthResult.failure(AuthResult.Reason.MALFORMED, "new password too short");
  private static final AuthResult.Failure TOO_LONG =
      AuthResult.failure(AuthResult.Reason.MALFORMED, "new password too long");
  private static final AuthResult.Failure NO_ACCOUNT =
      AuthResult.failure(AuthResult.Reason.INVALID_CREDENTIALS, "invalid or used token");

  private final OneTimeTokens tokens;
  private final PasswordHasher hasher;
  private final PasswordWriter writer;
  private final SubjectSignOut signOut;
  private final Purpose purpose;
  private final int minLength;

  private PasswordReset(Builder b) {
    this.tokens = b.tokens;
    this.hasher = b.hasher;
    this.writer = b.writer;
    this.signOut = b.signOut;
    this.purpose = b.purpose;
    this.minLength = b.minLength;
  }

  /**
   * A builder over everything a reset needs.
   *
   * @param tokens the one-time tokens service (with a user directory, for {@link #request})
   * @param hasher hashes the new password
   * @param writer stores the new hash
   * @param signOut ends every session and token of the subject after the change
   * @return a builder with the defaults of its setters
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(
      OneTimeTokens tokens, PasswordHasher hasher, PasswordWriter writer, SubjectSignOut signOut) {
    return new Builder(
        Objects.requireNonNull(tokens, "tokens"),
        Objects.requireNonNull(hasher, "hasher"),
        Objects.requireNonNull(writer, "writer"),
        Objects.requireNonNull(signOut, "signOut"));
  }

  /**
   * Sends a reset link to the account named {@code loginName}, if there is one; the answer and the
   * work are the same either way.
   *
   * @param loginName the login name as typed; attacker-controlled
   * @param clientAddress the client's address group, or {@code null} when unknown
   * @return empty when the request was taken; LOCKED (with its retry time) or UNAVAILABLE otherwise
   * @throws IllegalStateException when the tokens service has no user directory
   */
  public Optional<AuthResult.Failure> request(String loginName, String clientAddress) {
    return tokens.request(purpose, loginName, clientAddress);
  }

  /**
   * Looks a reset token up without using it.
   *
   * @param token the token as presented; attacker-controlled, may be null
   * @return the token's subject and expiry when it is live; refused otherwise
   */
  public TokenOutcome check(String token) {
    return tokens.peek(purpose, token);
  }

  /**
   * Resets the password: checks {@code newPassword}, uses {@code token}, writes the new hash, ends
   * every session and token of the subject. A refused new password leaves the token usable.
   *
   * @param token the token as presented; attacker-controlled, may be null
   * @param newPassword the new password; read, never kept or changed (the caller wipes it)
   * @return the subject when the password was reset; refused MALFORMED for a password too short or
   *     too long, INVALID_CREDENTIALS or EXPIRED for the token, UNAVAILABLE when a store, the
   *     writer or the sign-out failed
   * @throws NullPointerException if {@code newPassword} is null
   */
  public TokenOutcome confirm(String token, char[] newPassword) {
    Objects.requireNonNull(newPassword, "newPassword");
    TokenOutcome seen = tokens.peek(purpose, token);
    if (!seen.succeeded()) {
      return seen;
    }
    if (newPassword.length < minLength) {
      return TokenOutcome.refused(TOO_SHORT);
    }
    if (utf8Length(newPassword) > 72) {
      return TokenOutcome.refused(TOO_LONG);
    }
    // Hashed before the token is used: a hasher that refuses the password leaves the link usable.
    String hash;
    try {
      hash = hasher.hash(newPassword);
    } catch (IllegalArgumentException e) {
      return TokenOutcome.refused(TOO_LONG);
    }
    TokenOutcome used = tokens.consume(purpose, token);
    if (!used.succeeded()) {
      return used;
    }
    String subject = used.valid().orElseThrow().subject();
    try {
      if (!writer.setPasswordHash(subject, hash)) {
        return TokenOutcome.refused(NO_ACCOUNT);
      }
      signOut.signOutEverywhere(subject);
      tokens.endAll(subject);
    } catch (RuntimeException e) {
      return TokenOutcome.refused(FailClosed.onCheck("password reset", e));
    }
    tokens.listener().onEvent(new AuthEvent.PasswordReset(tokens.clock().instant(), subject));
    return used;
  }

  /** Counted, not encoded: an encoding would leave a copy of the password in a buffer. */
  private static int utf8Length(char[] password) {
    int bytes = 0;
    for (int i = 0; i < password.length; i++) {
      char c = password[i];
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < password.length
          && Character.isLowSurrogate(password[i + 1])) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  @Override
  public String toString() {
    return "PasswordReset[purpose=" + purpose.name() + ", minLength=" + minLength + "]";
  }

  /** Configures {@link PasswordReset}. Not thread-safe; build once. */
  public static final class Builder {
    private final OneTimeTokens tokens;
    private final PasswordHasher hasher;
    private final PasswordWriter writer;
    private final SubjectSignOut signOut;
    private Purpose purpose = Purpose.PASSWORD_RESET;
    private int minLength = 8;

    private Builder(
        OneTimeTokens tokens,
        PasswordHasher hasher,
        PasswordWriter writer,
        SubjectSignOut signOut) {
      this.tokens = tokens;
      this.hasher = hasher;
      this.writer = writer;
      this.signOut = signOut;
    }

    /**
     * The purpose reset tokens are issued under (default {@link Purpose#PASSWORD_RESET}).
     *
     * @param purpose a link purpose
     * @return this builder
     * @throws NullPointerException if {@code purpose} is null
     * @throws IllegalArgumentException if it is not a link purpose
     */
    public Builder purpose(Purpose purpose) {
      Objects.requireNonNull(purpose, "purpose");
      if (purpose.kind() != Purpose.Kind.LINK) {
        throw new IllegalArgumentException("a reset purpose must be a LINK purpose: " + purpose);
      }
      this.purpose = purpose;
      return this;
    }

    /**
     * The shortest new password accepted, in characters (default 8).
     *
     * @param length 1 to 64
     * @return this builder
     * @throws IllegalArgumentException when {@code length} is outside 1..64
     */
    public Builder minLength(int length) {
      if (length < 1 || length > 64) {
        throw new IllegalArgumentException("minLength must be 1 to 64: " + length);
      }
      this.minLength = length;
      return this;
    }

    /** {@return the service} */
    public PasswordReset build() {
      return new PasswordReset(this);
    }
  }
}
