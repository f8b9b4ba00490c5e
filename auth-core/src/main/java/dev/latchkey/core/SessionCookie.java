package dev.latchkey.core;

import java.util.Objects;

/**
 * The raw session id a client sent in its session cookie.
 *
 * <p>The value is attacker-controlled and unchecked here; the session strategy rejects a malformed
 * value as {@link AuthResult.Reason#MALFORMED}. {@code toString()} never shows it.
 *
 * @param value the cookie value as received
 */
public record SessionCookie(String value) implements Credentials {
  /**
   * Wraps the cookie value as received.
   *
   * @param value the cookie value as received
   * @throws NullPointerException if {@code value} is null
   */
  public SessionCookie {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return "SessionCookie[value=<redacted>]";
  }
}
