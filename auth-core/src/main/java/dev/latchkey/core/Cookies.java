package dev.latchkey.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads cookies from a request's {@code Cookie} header (RFC 6265 §5.4: {@code name=value} pairs
 * separated by {@code ;} and optional whitespace), without a web framework.
 *
 * <p>Hostile input is answered as "no such cookie", never with an exception: a header over {@value
 * #MAX_HEADER_LENGTH} characters is ignored whole, and a pair whose name is not a token or whose
 * value holds a character outside {@code cookie-octet} is skipped. A value in double quotes is
 * returned without them. Names are compared exactly (case-sensitively).
 *
 * <p>When the header holds the name more than once (cookies of different paths or domains), the
 * first is the one browsers put first: the one with the longest path. A cookie set by a sibling
 * subdomain can shadow yours this way ("cookie tossing"): name your session cookie with the {@code
 * __Host-} prefix, which a subdomain cannot set. Thread-safe (no state).
 */
public final class Cookies {
  /** The longest {@code Cookie} header read; longer ones are ignored. */
  public static final int MAX_HEADER_LENGTH = 16 * 1024;

  private Cookies() {}

  /**
   * The value of the first well-formed cookie named {@code name} in {@code cookieHeader}; empty
   * when the header is {@code null}, too long, or holds no such well-formed cookie.
   *
   * @param cookieHeader the {@code Cookie} header value, or {@code null} when the request has none
   * @param name the cookie name, compared case-sensitively
   * @return the value without surrounding double quotes, or empty
   * @throws NullPointerException if {@code name} is null
   */
  public static Optional<String> read(String cookieHeader, String name) {
    List<String> all = readAll(cookieHeader, name);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  /**
   * The values of every well-formed cookie named {@code name}, in header order; empty under the
   * same conditions as {@link #read}.
   *
   * @param cookieHeader the {@code Cookie} header value, or {@code null} when the request has none
   * @param name the cookie name, compared case-sensitively
   * @return the values without surrounding double quotes, in header order, possibly empty
   * @throws NullPointerException if {@code name} is null
   */
  public static List<String> readAll(String cookieHeader, String name) {
    Objects.requireNonNull(name, "name");
    List<String> values = new ArrayList<>(1);
    if (cookieHeader == null || cookieHeader.length() > MAX_HEADER_LENGTH) {
      return values;
    }
    int start = 0;
    while (start <= cookieHeader.length()) {
      int end = cookieHeader.indexOf(';', start);
      if (end < 0) {
        end = cookieHeader.length();
      }
      String pair = trim(cookieHeader.substring(start, end));
      int eq = pair.indexOf('=');
      if (eq > 0) {
        String pairName = trim(pair.substring(0, eq));
        String value = trim(pair.substring(eq + 1));
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        if (pairName.equals(name)
            && SetCookie.isToken(pairName)
            && SetCookie.isCookieValue(value)) {
          values.add(value);
        }
      }
      start = end + 1;
    }
    return values;
  }

  /** Strips spaces and tabs (HTTP's optional whitespace) only. */
  private static String trim(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return s.substring(from, to);
  }
}
