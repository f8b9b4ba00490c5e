package dev.latchkey.core;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The client a request came from, as the web layer saw it, for audit events: its address and the
 * user agent it announced. Neither is a secret, so {@code toString()} shows both; neither is
 * trusted either, so both are cleaned on the way in: control and formatting characters (line
 * breaks, escapes, bidirectional overrides) are removed, so that an event written to a log stays
 * one honest line.
 *
 * <p>The web layer scopes a request's library calls with {@link #during}; every {@link AuthEvent}
 * emitted inside the scope, on the same thread, carries the client ({@link AuthEvent#client()}):
 *
 * <pre>{@code
 * ClientInfo client = new ClientInfo(request.getRemoteAddr(), request.getHeader("User-Agent"));
 * AuthResult result = ClientInfo.during(client, () -> sessions.authenticate(cookie));
 * }</pre>
 *
 * @param address the client's address, e.g. the remote IP address; at most {@value
 *     #MAX_ADDRESS_LENGTH} characters once cleaned, and not empty
 * @param userAgent the {@code User-Agent} the client sent, cut to {@value #MAX_USER_AGENT_LENGTH}
 *     characters once cleaned, or {@code null} when it sent none (an empty one is taken as none)
 */
public record ClientInfo(String address, String userAgent) {
  /** The longest address accepted, in chars: an IPv6 address with a zone fits. */
  public static final int MAX_ADDRESS_LENGTH = 64;

  /** The length a user agent is cut to, in chars. */
  public static final int MAX_USER_AGENT_LENGTH = 256;

  // Null when no scope is active; never holds a value once the outermost scope has returned, so a
  // pooled thread carries no client into its next task.
  private static final ThreadLocal<ClientInfo> CURRENT = new ThreadLocal<>();

  /**
   * Creates the client info, cleaned as the class documentation says.
   *
   * @param address the client's address; required
   * @param userAgent the user agent, or {@code null} when the client sent none
   * @throws NullPointerException if {@code address} is null
   * @throws IllegalArgumentException if {@code address} is empty or longer than {@value
   *     #MAX_ADDRESS_LENGTH} characters once cleaned
   */
  public ClientInfo {
    Objects.requireNonNull(address, "address");
    address = clean(address, Integer.MAX_VALUE);
    if (address.isEmpty()) {
      throw new IllegalArgumentException("address is empty");
    }
    if (address.length() > MAX_ADDRESS_LENGTH) {
      throw new IllegalArgumentException(
          "address is longer than " + MAX_ADDRESS_LENGTH + " characters: " + address.length());
    }
    if (userAgent != null) {
      userAgent = clean(userAgent, MAX_USER_AGENT_LENGTH);
      if (userAgent.isEmpty()) {
        userAgent = null;
      }
    }
  }

  /**
   * {@return an address-only client for {@code address}, or empty when it is not one {@link
   * ClientInfo} accepts} For emitters that hold an address of unknown quality and must not fail
   * over it.
   */
  static Optional<ClientInfo> ofAddress(String address) {
    if (address == null) {
      return Optional.empty();
    }
    String cleaned = clean(address, Integer.MAX_VALUE);
    if (cleaned.isEmpty() || cleaned.length() > MAX_ADDRESS_LENGTH) {
      return Optional.empty();
    }
    return Optional.of(new ClientInfo(cleaned, null));
  }

  /**
   * Runs {@code work} with {@code client} as the {@linkplain #current() current client} of this
   * thread, and restores the previous one (or none) afterwards, also when {@code work} throws.
   * Scopes nest: an inner scope's client is current inside it, the outer one's again after it.
   *
   * <p>The client reaches only what {@code work} does on this thread: an event emitted by another
   * thread (an executor the work hands a task to) does not carry it.
   *
   * @param <T> what {@code work} returns
   * @param client the client of the request being served
   * @param work the library calls made for that request
   * @return what {@code work} returned
   * @throws NullPointerException if {@code client} or {@code work} is null
   */
  public static <T> T during(ClientInfo client, Supplier<T> work) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(work, "work");
    ClientInfo previous = CURRENT.get();
    CURRENT.set(client);
    try {
      return work.get();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }

  /**
   * {@return the client of the innermost {@link #during} scope active on this thread}, or empty
   * outside any
   */
  public static Optional<ClientInfo> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /**
   * {@code value} without control, format and line or paragraph separator characters, and without
   * surrounding white space, cut to at most {@code max} chars without splitting a surrogate pair.
   */
  private static String clean(String value, int max) {
    StringBuilder out = null;
    int length = value.length();
    for (int i = 0; i < length; ) {
      int c = value.codePointAt(i);
      int next = i + Character.charCount(c);
      if (isStripped(c)) {
        if (out == null) {
          out = new StringBuilder(length).append(value, 0, i);
        }
      } else if (out != null) {
        out.appendCodePoint(c);
      }
      i = next;
    }
    String cleaned = (out == null ? value : out.toString()).strip();
    if (cleaned.length() <= max) {
      return cleaned;
    }
    int end = Character.isHighSurrogate(cleaned.charAt(max - 1)) ? max - 1 : max;
    return cleaned.substring(0, end).strip();
  }

  private static boolean isStripped(int codePoint) {
    if (Character.isISOControl(codePoint)) {
      return true;
    }
    int type = Character.getType(codePoint);
    return type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SURROGATE; // a lone surrogate, which no encoder can write
  }
}
