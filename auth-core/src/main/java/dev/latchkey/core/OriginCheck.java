package dev.latchkey.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A same-origin check for state-changing requests, from the {@code Sec-Fetch-Site} and {@code
 * Origin} headers a browser sets and a page cannot forge: a first line against cross-site request
 * forgery, beside the session's CSRF token ({@code SessionManager.checkCsrf} in {@code
 * auth-session}).
 *
 * <pre>{@code
 * OriginCheck origins = OriginCheck.builder("https://app.example.com").build();
 * if (!origins.allows(request.getMethod(), request.getHeader("Sec-Fetch-Site"),
 *     request.getHeader("Origin"))) {
 *   response.sendError(403);
 * }
 * }</pre>
 *
 * <p>The rules, in order:
 *
 * <ol>
 *   <li>A safe method ({@code GET}, {@code HEAD}, {@code OPTIONS}, {@code TRACE}, matched exactly
 *       as HTTP methods are case-sensitive) is always allowed: it must not change state.
 *   <li>{@code Sec-Fetch-Site: same-origin} or {@code none} (the user typed the address or used a
 *       bookmark) is allowed; {@code same-site} and {@code cross-site} are allowed only when {@code
 *       Origin} is one of the allowed origins; any other value is refused.
 *   <li>Without {@code Sec-Fetch-Site} (older browsers), an {@code Origin} is allowed only when it
 *       is one of the allowed origins; {@code Origin: null} never is.
 *   <li>With neither header, the request is refused unless {@link Builder#allowMissingHeaders} was
 *       set. Every current browser sends {@code Origin} on a cross-origin state-changing request,
 *       so only non-browser clients (which cannot be driven by another site) and very old browsers
 *       send neither: allow them when the API serves such clients and rely on the CSRF token for
 *       the rest. Refusing is the default because it fails closed.
 * </ol>
 *
 * <p>Origins compare as ASCII-lowercased {@code scheme://host[:port]}, with the scheme's default
 * port left out. Immutable and safe for concurrent use.
 */
public final class OriginCheck {
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

  private final Set<String> allowedOrigins;
  private final boolean allowMissingHeaders;

  private OriginCheck(Builder b) {
    this.allowedOrigins = Set.copyOf(b.origins);
    this.allowMissingHeaders = b.allowMissingHeaders;
  }

  /**
   * A builder allowing {@code origin} and {@code more}: the application's own origin and any other
   * it accepts state-changing requests from.
   *
   * @param origin an allowed origin, {@code http(s)://host[:port]}
   * @param more further allowed origins, in the same form
   * @return a builder refusing requests with neither header until told otherwise
   * @throws NullPointerException if an origin is null
   * @throws IllegalArgumentException if an origin is not {@code http(s)://host[:port]} without
   *     path, query or user info
   */
  public static Builder builder(String origin, String... more) {
    Builder b = new Builder();
    b.origins.add(normalize(origin));
    for (String o : more) {
      b.origins.add(normalize(o));
    }
    return b;
  }

  /**
   * Whether the request may go on.
   *
   * @param method the request method
   * @param secFetchSite the {@code Sec-Fetch-Site} header, or {@code null}
   * @param origin the {@code Origin} header, or {@code null}
   * @return whether the request may go on, by the rules of the class documentation
   */
  public boolean allows(String method, String secFetchSite, String origin) {
    if (method != null && SAFE_METHODS.contains(method)) {
      return true;
    }
    if (secFetchSite != null) {
      return switch (secFetchSite.toLowerCase(Locale.ROOT)) {
        case "same-origin", "none" -> true;
        case "same-site", "cross-site" -> isAllowedOrigin(origin);
        default -> false;
      };
    }
    if (origin != null) {
      return isAllowedOrigin(origin);
    }
    return allowMissingHeaders;
  }

  private boolean isAllowedOrigin(String origin) {
    if (origin == null || origin.length() > 2048) {
      return false;
    }
    try {
      return allowedOrigins.contains(normalize(origin));
    } catch (IllegalArgumentException e) {
      return false; // "null", garbage: not an allowed origin
    }
  }

  /** {@code scheme://host[:port]} lowercased, default port removed. */
  private static String normalize(String origin) {
    Objects.requireNonNull(origin, "origin");
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not an origin (scheme://host[:port])");
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!("https".equals(scheme) || "http".equals(scheme))
        || uri.getHost() == null
        || uri.getRawUserInfo() != null
        || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "not an origin (http(s)://host[:port], no path): " + sanitize(origin));
    }
    int port = uri.getPort();
    boolean defaultPort =
        port == -1
            || ("https".equals(scheme) && port == 443)
            || ("http".equals(scheme) && port == 80);
    return scheme
        + "://"
        + uri.getHost().toLowerCase(Locale.ROOT)
        + (defaultPort ? "" : ":" + port);
  }

  /** Configuration values only ever reach messages printable and short. */
  private static String sanitize(String s) {
    String cut = s.length() > 100 ? s.substring(0, 100) : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }

  @Override
  public String toString() {
    return "OriginCheck[allowed="
        + allowedOrigins
        + ", allowMissingHeaders="
        + allowMissingHeaders
        + "]";
  }

  /** Configures an {@link OriginCheck}; not safe for concurrent use. */
  public static final class Builder {
    private final Set<String> origins = new LinkedHashSet<>();
    private boolean allowMissingHeaders;

    private Builder() {}

    /**
     * Whether a state-changing request with neither {@code Sec-Fetch-Site} nor {@code Origin} is
     * allowed; default false (see the class documentation).
     *
     * @param allow {@code true} to allow such requests, {@code false} to refuse them
     * @return this builder
     */
    public Builder allowMissingHeaders(boolean allow) {
      this.allowMissingHeaders = allow;
      return this;
    }

    /** {@return a check allowing the configured origins}; the builder can be reused */
    public OriginCheck build() {
      return new OriginCheck(this);
    }
  }
}
