package dev.latchkey.core;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code Set-Cookie} header value (RFC 6265), validated so that it cannot inject another header
 * or attribute, and secure by default: {@code HttpOnly}, {@code Secure}, {@code SameSite=Lax},
 * {@code Path=/}.
 *
 * <pre>{@code
 * SetCookie cookie = SetCookie.builder("__Host-sid", sessionId).sameSite(SetCookie.SameSite.STRICT).build();
 * response.addHeader("Set-Cookie", cookie.toHeaderValue());
 * // on logout:
 * response.addHeader("Set-Cookie", cookie.deletion().toHeaderValue());
 * }</pre>
 *
 * <p>Rules enforced, each with an {@link IllegalArgumentException} naming the problem (never the
 * value):
 *
 * <ul>
 *   <li>the name is an RFC 6265 token: visible ASCII without separators ({@code ()<>@,;:\"/[]?={}}
 *       and space);
 *   <li>the value is {@code cookie-octet}s only: visible ASCII except {@code "} {@code ,} {@code ;}
 *       and {@code \} — no space, CR, LF, control or non-ASCII character (quoted values are not
 *       produced: encode the value, e.g. base64url);
 *   <li>{@code SameSite=None} requires {@code Secure};
 *   <li>a name starting {@code __Secure-} requires {@code Secure}; one starting {@code __Host-}
 *       requires {@code Secure}, {@code Path=/} and no {@code Domain} (prefixes are matched
 *       case-insensitively, as current browsers do);
 *   <li>{@code Path} starts with {@code /}, {@code Domain} is a host name; neither holds {@code ;},
 *       a control or a non-ASCII character.
 * </ul>
 *
 * <p>Only {@code Max-Age} is written, never {@code Expires}: every browser in use honours {@code
 * Max-Age}, and a relative lifetime needs no clock. Without a max age the cookie is a
 * browser-session cookie. Immutable and safe for concurrent use; {@code toString()} hides the
 * value.
 */
public final class SetCookie {
  /** The {@code SameSite} attribute. */
  public enum SameSite {
    /** Sent only on same-site requests. */
    STRICT("Strict"),
    /** Sent on same-site requests and top-level cross-site navigations with a safe method. */
    LAX("Lax"),
    /** Sent on every request; requires {@code Secure}. */
    NONE("None");

    private final String attribute;

    SameSite(String attribute) {
      this.attribute = attribute;
    }
  }

  private final String name;
  private final String value;
  private final boolean httpOnly;
  private final boolean secure;
  private final SameSite sameSite;
  private final String path;
  private final String domain;
  private final Duration maxAge;

  private SetCookie(Builder b) {
    this.name = b.name;
    this.value = b.value;
    this.httpOnly = b.httpOnly;
    this.secure = b.secure;
    this.sameSite = b.sameSite;
    this.path = b.path;
    this.domain = b.domain;
    this.maxAge = b.maxAge;
  }

  /**
   * A builder for a cookie; name and value are checked at once.
   *
   * @param name the cookie name, an RFC 6265 token
   * @param value the cookie value, {@code cookie-octet}s only; may be empty
   * @return a builder with the secure defaults of the class documentation
   * @throws NullPointerException if {@code name} or {@code value} is null
   * @throws IllegalArgumentException if the name is not a token or the value holds a character
   *     outside {@code cookie-octet}
   */
  public static Builder builder(String name, String value) {
    return new Builder(name, value);
  }

  /** {@return the cookie name} */
  public String name() {
    return name;
  }

  /** {@return whether the cookie is hidden from scripts} ({@code HttpOnly}) */
  public boolean httpOnly() {
    return httpOnly;
  }

  /** {@return whether the cookie is sent over HTTPS only} ({@code Secure}) */
  public boolean secure() {
    return secure;
  }

  /** {@return the {@code SameSite} attribute} */
  public SameSite sameSite() {
    return sameSite;
  }

  /** {@return the {@code Path} attribute}; empty when it is left out */
  public Optional<String> path() {
    return Optional.ofNullable(path);
  }

  /** {@return the {@code Domain} attribute}; empty for a host-only cookie */
  public Optional<String> domain() {
    return Optional.ofNullable(domain);
  }

  /** {@return the max age}; empty for a browser-session cookie */
  public Optional<Duration> maxAge() {
    return Optional.ofNullable(maxAge);
  }

  /**
   * {@return the cookie that deletes this one}: same name, path and domain (a browser deletes only
   * the cookie they match), an empty value and {@code Max-Age=0}.
   */
  public SetCookie deletion() {
    Builder b = new Builder(name, "");
    b.httpOnly = httpOnly;
    b.secure = secure;
    b.sameSite = sameSite;
    b.path = path;
    b.domain = domain;
    b.maxAge = Duration.ZERO;
    return b.build();
  }

  /**
   * {@return the header value}, e.g. {@code sid=abc; Path=/; Max-Age=3600; Secure; HttpOnly;
   * SameSite=Lax}
   */
  public String toHeaderValue() {
    StringBuilder out = new StringBuilder(name.length() + value.length() + 64);
    out.append(name).append('=').append(value);
    if (path != null) {
      out.append("; Path=").append(path);
    }
    if (domain != null) {
      out.append("; Domain=").append(domain);
    }
    if (maxAge != null) {
      out.append("; Max-Age=").append(maxAge.toSeconds());
    }
    if (secure) {
      out.append("; Secure");
    }
    if (httpOnly) {
      out.append("; HttpOnly");
    }
    out.append("; SameSite=").append(sameSite.attribute);
    return out.toString();
  }

  @Override
  public String toString() {
    return "SetCookie[name="
        + name
        + ", value=<redacted>, path="
        + path
        + ", domain="
        + domain
        + ", maxAge="
        + maxAge
        + ", secure="
        + secure
        + ", httpOnly="
        + httpOnly
        + ", sameSite="
        + sameSite
        + "]";
  }

  /** Whether {@code c} may appear in a cookie name (an RFC 2616 token character). */
  static boolean isTokenChar(char c) {
    return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
  }

  /** Whether {@code c} may appear in an unquoted cookie value (RFC 6265 cookie-octet). */
  static boolean isCookieOctet(char c) {
    return c == 0x21
        || (c >= 0x23 && c <= 0x2b)
        || (c >= 0x2d && c <= 0x3a)
        || (c >= 0x3c && c <= 0x5b)
        || (c >= 0x5d && c <= 0x7e);
  }

  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isTokenChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean isCookieValue(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isCookieOctet(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Configures a {@link SetCookie}; not safe for concurrent use. */
  public static final class Builder {
    private final String name;
    private final String value;
    private boolean httpOnly = true;
    private boolean secure = true;
    private SameSite sameSite = SameSite.LAX;
    private String path = "/";
    private String domain;
    private Duration maxAge;

    private Builder(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (!isToken(name)) {
        throw new IllegalArgumentException(
            "cookie name must be a non-empty token (visible ASCII, no separators)");
      }
      if (!isCookieValue(value)) {
        throw new IllegalArgumentException(
            "cookie value of "
                + name
                + " holds a character outside cookie-octet"
                + " (space, quote, comma, semicolon, backslash, control or non-ASCII)");
      }
      this.name = name;
      this.value = value;
    }

    /**
     * Hides the cookie from scripts; default true.
     *
     * @param httpOnly {@code true} to write {@code HttpOnly}
     * @return this builder
     */
    public Builder httpOnly(boolean httpOnly) {
      this.httpOnly = httpOnly;
      return this;
    }

    /**
     * Sends the cookie over HTTPS only; default true. Browsers treat {@code http://localhost} as
     * secure, so development rarely needs false.
     *
     * @param secure {@code true} to write {@code Secure}
     * @return this builder
     */
    public Builder secure(boolean secure) {
      this.secure = secure;
      return this;
    }

    /**
     * Sets the {@code SameSite} attribute; default {@link SameSite#LAX}.
     *
     * @param sameSite which cross-site requests carry the cookie
     * @return this builder
     * @throws NullPointerException if {@code sameSite} is null
     */
    public Builder sameSite(SameSite sameSite) {
      this.sameSite = Objects.requireNonNull(sameSite, "sameSite");
      return this;
    }

    /**
     * The path; default {@code /}. {@code null} leaves the attribute out (the browser then uses the
     * request's directory).
     *
     * @param path the path, starting with {@code /}, or {@code null}
     * @return this builder
     * @throws IllegalArgumentException if it does not start with {@code /} or holds {@code ;}, a
     *     control or a non-ASCII character
     */
    public Builder path(String path) {
      if (path != null && (!path.startsWith("/") || !isAttributeValue(path))) {
        throw new IllegalArgumentException(
            "cookie path must start with / and hold no ';', control or non-ASCII character");
      }
      this.path = path;
      return this;
    }

    /**
     * The domain, e.g. {@code example.com} (the cookie then also goes to its subdomains); default
     * none, which is host-only and safer. {@code null} removes it.
     *
     * @param domain a host name, or {@code null}
     * @return this builder
     * @throws IllegalArgumentException if it is not a host name
     */
    public Builder domain(String domain) {
      if (domain != null && !isHostName(domain)) {
        throw new IllegalArgumentException(
            "cookie domain must be a host name (letters, digits, '-', '.')");
      }
      this.domain = domain;
      return this;
    }

    /**
     * How long the browser keeps the cookie, in whole seconds; {@link Duration#ZERO} deletes it;
     * {@code null} (the default) makes a browser-session cookie.
     *
     * @param maxAge the lifetime, zero or positive (fractions of a second are dropped), or {@code
     *     null}
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder maxAge(Duration maxAge) {
      if (maxAge != null && maxAge.isNegative()) {
        throw new IllegalArgumentException("cookie maxAge cannot be negative: " + maxAge);
      }
      this.maxAge = maxAge;
      return this;
    }

    /**
     * Builds the cookie.
     *
     * @return the cookie with the configured attributes
     * @throws IllegalArgumentException if the attributes break a rule of the class documentation
     */
    public SetCookie build() {
      String lower = name.toLowerCase(Locale.ROOT);
      if (sameSite == SameSite.NONE && !secure) {
        throw new IllegalArgumentException("SameSite=None requires Secure (cookie " + name + ")");
      }
      if (lower.startsWith("__secure-") && !secure) {
        throw new IllegalArgumentException(
            "a __Secure- cookie requires Secure (cookie " + name + ")");
      }
      if (lower.startsWith("__host-")) {
        if (!secure || !"/".equals(path) || domain != null) {
          throw new IllegalArgumentException(
              "a __Host- cookie requires Secure, Path=/ and no Domain (cookie " + name + ")");
        }
      }
      return new SetCookie(this);
    }

    private static boolean isAttributeValue(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x20 || c >= 0x7f || c == ';') {
          return false;
        }
      }
      return true;
    }

    private static boolean isHostName(String s) {
      String host = s.startsWith(".") ? s.substring(1) : s;
      if (host.isEmpty() || host.length() > 253 || host.startsWith(".") || host.endsWith(".")) {
        return false;
      }
      for (String label : host.split("\\.", -1)) {
        if (label.isEmpty()
            || label.length() > 63
            || label.startsWith("-")
            || label.endsWith("-")) {
          return false;
        }
        for (int i = 0; i < label.length(); i++) {
          char c = label.charAt(i);
          boolean ok =
              (c >= 'a' && c <= 'z')
                  || (c >= 'A' && c <= 'Z')
                  || (c >= '0' && c <= '9')
                  || c == '-';
          if (!ok) {
            return false;
          }
        }
      }
      return true;
    }
  }
}
