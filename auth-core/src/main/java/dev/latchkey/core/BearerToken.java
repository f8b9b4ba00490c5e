package dev.latchkey.core;

import java.util.Objects;

/**
 * A token sent as {@code Authorization: Bearer <token>} (RFC 6750), usually a JWT access token.
 *
 * <p>The value is attacker-controlled and unchecked here; the bearer strategy rejects a malformed
 * value as {@link AuthResult.Reason#MALFORMED}. {@code toString()} never shows it.
 *
 * @param value the token as received, without the {@code Bearer } prefix
 */
public record BearerToken(String value) implements Credentials {
  /**
   * Wraps the token as received.
   *
   * @param value the token as received, without the {@code Bearer } prefix
   * @throws NullPointerException if {@code value} is null
   */
  public BearerToken {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return "BearerToken[value=<redacted>]";
  }
}
