package dev.latchkey.web;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The first line against cross-site request forgery: a state-changing request must come from this
 * site. Browsers set {@code Sec-Fetch-Site} and {@code Origin}, and a page cannot forge either.
 *
 * <ol>
 *   <li>Safe methods ({@code GET}, {@code HEAD}, {@code OPTIONS}, {@code TRACE}) pass.
 *   <li>{@code Sec-Fetch-Site: same-origin} or {@code none} passes; {@code same-site} and {@code
 *       cross-site} pass only when {@code Origin} is a configured origin; other values fail.
 *   <li>Without {@code Sec-Fetch-Site} (older browsers), {@code Origin} must be a configured origin
 *       or, when none is configured, name the request's own {@code Host}; {@code Origin: null}
 *       fails.
 *   <li>With neither header (curl, mobile apps, servers: no browser, so no forgery) the request
 *       passes when {@code allowMissing}; session routes still need their CSRF token.
 * </ol>
 */
final class Origins {
  private final Set<String> allowed;
  private final boolean allowMissing;

  Origins(Set<String> allowed, boolean allowMissing) {
    this.allowed = Set.copyOf(allowed);
    this.allowMissing = allowMissing;
  }

  static boolean safe(String method) {
    return switch (method) {
      case "GET", "HEAD", "OPTIONS", "TRACE" -> true;
      default -> false;
    };
  }

  boolean allows(WebRequest request) {
    if (safe(request.method())) {
      return true;
    }
    Optional<String> origin = request.header("Origin");
    Optional<String> site = request.header("Sec-Fetch-Site");
    if (site.isPresent()) {
      return switch (site.get()) {
        case "same-origin", "none" -> true;
        case "same-site", "cross-site" -> origin.map(this::configured).orElse(false);
        default -> false;
      };
    }
    if (origin.isPresent()) {
      return allowed.isEmpty()
          ? sameHost(origin.get(), request.header("Host").orElse(null))
          : configured(origin.get());
    }
    return allowMissing;
  }

  private boolean configured(String origin) {
    return normalize(origin).map(allowed::contains).orElse(false);
  }

  private static boolean sameHost(String origin, String host) {
    Optional<String> o = normalize(origin);
    if (o.isEmpty() || host == null) {
      return false;
    }
    String authority = o.get().substring(o.get().indexOf("://") + 3);
    String scheme = o.get().substring(0, o.get().indexOf("://"));
    String h = host.trim().toLowerCase(Locale.ROOT);
    String defaultPort = "https".equals(scheme) ? ":443" : ":80";
    if (h.endsWith(defaultPort)) {
      h = h.substring(0, h.length() - defaultPort.length());
    }
    return authority.equals(h);
  }

  /**
   * {@code scheme://host[:port]} lowercased, the scheme's default port left out; empty for {@code
   * null}, another scheme, a path, user info or anything else that is no serialized origin.
   */
  static Optional<String> normalize(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    String scheme;
    if (o.startsWith("https://")) {
      scheme = "https";
    } else if (o.startsWith("http://")) {
      scheme = "http";
    } else {
      return Optional.empty();
    }
    String authority = o.substring(scheme.length() + 3);
    if (authority.isEmpty()
        || authority
            .chars()
            .anyMatch(c -> c == '/' || c == '@' || c == '?' || c == '#' || c <= ' ')) {
      return Optional.empty();
    }
    String defaultPort = "https".equals(scheme) ? ":443" : ":80";
    if (authority.endsWith(defaultPort)) {
      authority = authority.substring(0, authority.length() - defaultPort.length());
    }
    return Optional.of(scheme + "://" + authority);
  }
}
