package dev.latchkey.passkey;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Who the passkeys are for: the WebAuthn relying party id (a registrable domain, e.g. {@code
 * example.com}, or {@code localhost}), the name an authenticator shows, and the exact origins whose
 * pages may run the ceremonies. A passkey registered for one id never works for another, and an
 * answer signed on a page of another origin is refused.
 *
 * @param id the RP ID: a host name without scheme, port or path
 * @param name the name shown to the user
 * @param origins every origin allowed ({@code https://example.com}, {@code http://localhost:8080});
 *     plain {@code http} only for {@code localhost}, {@code 127.0.0.1} and {@code [::1]}
 */
public record RelyingParty(String id, String name, Set<String> origins) {
  /**
   * Checks the parts and copies the origins.
   *
   * @param id the component of that name
   * @param name the component of that name
   * @param origins the component of that name
   * @throws NullPointerException when a part is null
   * @throws IllegalArgumentException when the id is no host name, the name is blank, there is no
   *     origin, or an origin is not a bare origin, uses plain http off loopback, or is not the RP
   *     ID or a subdomain of it
   */
  public RelyingParty {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    origins = Set.copyOf(Objects.requireNonNull(origins, "origins"));
    if (id.isEmpty() || !id.equals(id.toLowerCase(Locale.ROOT)) || !id.matches("[a-z0-9.-]+")) {
      throw new IllegalArgumentException(
          "id must be a lower-case host name without scheme, port or path: " + id);
    }
    if (name.isBlank()) {
      throw new IllegalArgumentException("name cannot be blank");
    }
    if (origins.isEmpty()) {
      throw new IllegalArgumentException("origins cannot be empty");
    }
    for (String origin : origins) {
      checkOrigin(id, origin);
    }
  }

  /**
   * {@return a relying party whose one origin is {@code origin} and whose id is its host}
   *
   * @param origin a bare origin such as {@code https://example.com}
   * @param name the name shown to the user
   * @throws IllegalArgumentException as the canonical constructor
   */
  public static RelyingParty forOrigin(String origin, String name) {
    URI uri = URI.create(Objects.requireNonNull(origin, "origin"));
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("origin has no host: " + origin);
    }
    return new RelyingParty(uri.getHost(), name, Set.of(origin));
  }

  private static void checkOrigin(String id, String origin) {
    URI uri;
    try {
      uri = new URI(origin);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("origin is no URI: " + origin, e);
    }
    String host = uri.getHost();
    if (host == null
        || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "origin must be scheme://host[:port] and nothing more: " + origin);
    }
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    boolean loopback = bare.equals("localhost") || bare.equals("127.0.0.1") || bare.equals("::1");
    if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && loopback)) {
      throw new IllegalArgumentException("origin must be https (http only on loopback): " + origin);
    }
    if (!host.equals(id) && !host.endsWith("." + id)) {
      throw new IllegalArgumentException(
          "origin " + origin + " is not on the relying party id " + id);
    }
  }
}
