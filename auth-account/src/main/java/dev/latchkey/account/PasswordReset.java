package dev.latchkey.account;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.internal.FailClosed;
import java.util.List;
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
  /**
   * The start of a refusal's detail when the {@linkplain Builder#newPasswordRule rule} refused the
   * new password; the rule's codes follow, separated by single spaces: {@code "password_rejected:
   * too_short common"}.
   */
  public static final String REJECTED = "password_rejected";

  /**
   * What a new password must pass besides the length bounds, e.g. {@code auth-password}'s {@code
   * PasswordPolicy}: {@code (subject, password) -> policy.check(password, subject, false).codes()}.
   */
  @FunctionalInterface
  public interface NewPasswordRule {
    /**
     * The rule's verdict on a new password.
     *
     * @param subject whose password it is
     * @param password the new password; read, never kept or changed
     * @return the codes of the broken rules, each a lower-case word without spaces a UI can show
     *     (e.g. {@code too_short}, {@code common}); empty when the password is accepted
     */
    List<String> refusals(String subject, char[] password);
  }

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
  private final NewPasswordRule rule;

  private PasswordReset(Builder b) {
    this.tokens = b.tokens;
    this.hasher = b.hasher;
    this.writer = b.writer;
    this.signOut = b.signOut;
    this.purpose = b.purpose;
    this.minLength = b.minLength;
    this.rule = b.rule;
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
    List<String> broken = rule.refusals(seen.valid().orElseThrow().subject(), newPassword);
    if (!broken.isEmpty()) {
      return TokenOutcome.refused(
          AuthResult.failure(
              AuthResult.Reason.MALFORMED, REJECTED + ": " + String.join(" ", broken)));
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
    private NewPasswordRule rule = (subject, password) -> List.of();

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

    /**
     * What a new password must pass besides the length bounds (default: nothing more). A refused
     * password leaves the link usable; the refusal is MALFORMED with the detail {@value
     * PasswordReset#REJECTED}{@code : } and the rule's codes. The maximum length is the hasher's: a
     * password it refuses to hash is refused as too long.
     *
     * @param rule the rule, e.g. a password policy's check
     * @return this builder
     * @throws NullPointerException if {@code rule} is null
     */
    public Builder newPasswordRule(NewPasswordRule rule) {
      this.rule = Objects.requireNonNull(rule, "rule");
      return this;
    }

    /** {@return the service} */
    public PasswordReset build() {
      return new PasswordReset(this);
    }
  }
}
