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
    List<String> first = new ArrayList<>(1);
    scan(cookieHeader, name, first, true);
    return first.isEmpty() ? Optional.empty() : Optional.of(first.get(0));
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
    List<String> values = new ArrayList<>(1);
    scan(cookieHeader, name, values, false);
    return values;
  }

  /**
   * Adds the values of the cookies named {@code name} to {@code out}, stopping at the first when
   * {@code firstOnly}. Reads the header in place: only a matching value is copied out, since this
   * runs on every request and a header may hold many cookies of other names.
   */
  private static void scan(String header, String name, List<String> out, boolean firstOnly) {
    Objects.requireNonNull(name, "name");
    if (header == null || header.length() > MAX_HEADER_LENGTH || !SetCookie.isToken(name)) {
      return; // a name that is no token names no well-formed cookie
    }
    int start = 0;
    while (start <= header.length()) {
      int end = header.indexOf(';', start);
      if (end < 0) {
        end = header.length();
      }
      int from = skipSpace(header, start, end);
      int to = end;
      while (to > from && isSpace(header.charAt(to - 1))) {
        to--;
      }
      int eq = header.indexOf('=', from);
      if (eq > from && eq < to) {
        int nameEnd = eq;
        while (nameEnd > from && isSpace(header.charAt(nameEnd - 1))) {
          nameEnd--;
        }
        if (nameEnd - from == name.length() && header.regionMatches(from, name, 0, name.length())) {
          String value = header.substring(skipSpace(header, eq + 1, to), to);
          if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
          }
          if (SetCookie.isCookieValue(value)) {
            out.add(value);
            if (firstOnly) {
              return;
            }
          }
        }
      }
      start = end + 1;
    }
  }

  private static int skipSpace(String s, int from, int to) {
    while (from < to && isSpace(s.charAt(from))) {
      from++;
    }
    return from;
  }

  /** HTTP's optional whitespace: spaces and tabs only. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }
}
