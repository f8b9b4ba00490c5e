package dev.latchkey.core;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A login name and password, with the address the attempt came from (for throttling).
 *
 * <p>Not a record: the password is a {@code char[]} so that the caller can {@linkplain #wipe()
 * wipe} it once the attempt is over, and a record would compare arrays by identity. The array is
 * held, not copied; it is never shown by {@code toString()}.
 */
public final class PasswordCredentials implements Credentials {
  private final String username;
  private final char[] password;
  private final String clientAddress;

  private PasswordCredentials(String username, char[] password, String clientAddress) {
    this.username = Objects.requireNonNull(username, "username");
    this.password = Objects.requireNonNull(password, "password");
    this.clientAddress = clientAddress;
  }

  /** Credentials with no client address: only the per-name throttle applies. */
  public static PasswordCredentials of(String username, char[] password) {
    return new PasswordCredentials(username, password, null);
  }

  /** Credentials from a known client address, which the per-address throttle counts. */
  public static PasswordCredentials of(String username, char[] password, String clientAddress) {
    return new PasswordCredentials(
        username, password, Objects.requireNonNull(clientAddress, "clientAddress"));
  }

  public String username() {
    return username;
  }

  /** The password array itself (not a copy), valid until {@link #wipe()}. */
  public char[] password() {
    return password;
  }

  public Optional<String> clientAddress() {
    return Optional.ofNullable(clientAddress);
  }

  /** Overwrites the password with zeros; call when the attempt is over. */
  public void wipe() {
    Arrays.fill(password, '\0');
  }

  @Override
  public String toString() {
    return "PasswordCredentials[username=" + username + ", password=<redacted>]";
  }
}
