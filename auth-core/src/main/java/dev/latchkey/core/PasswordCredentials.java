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

  /**
   * Credentials with no client address: only the per-name throttle applies.
   *
   * @param username the login name as typed
   * @param password the password; held, not copied, until {@link #wipe()}
   * @return the credentials
   * @throws NullPointerException if {@code username} or {@code password} is null
   */
  public static PasswordCredentials of(String username, char[] password) {
    return new PasswordCredentials(username, password, null);
  }

  /**
   * Credentials from a known client address, which the per-address throttle counts.
   *
   * @param username the login name as typed
   * @param password the password; held, not copied, until {@link #wipe()}
   * @param clientAddress the address the attempt came from, e.g. the remote IP address
   * @return the credentials
   * @throws NullPointerException if any argument is null
   */
  public static PasswordCredentials of(String username, char[] password, String clientAddress) {
    return new PasswordCredentials(
        username, password, Objects.requireNonNull(clientAddress, "clientAddress"));
  }

  /** {@return the login name as typed} */
  public String username() {
    return username;
  }

  /** {@return the password array itself (not a copy)}, valid until {@link #wipe()}. */
  public char[] password() {
    return password;
  }

  /** {@return the address the attempt came from}, or empty when the caller gave none */
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
