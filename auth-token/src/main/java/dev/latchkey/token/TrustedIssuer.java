package dev.latchkey.token;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One issuer whose access tokens an {@link IssuerVerifier} accepts: its {@code iss}, where its
 * public keys are published (a JWK Set URL, fetched and cached), the audience a token must name,
 * the algorithms it may sign with, the {@code typ} its tokens carry, the claim that carries their
 * scopes, and how its keys are cached. Built by {@link #builder}; an immutable value.
 *
 * @param issuer the exact {@code iss} of the issuer's tokens; not blank
 * @param jwksUri the {@code http} or {@code https} URL of its JWK Set (RFC 7517); the only place
 *     its keys come from (never a URL or key from a token)
 * @param audience the value a token's {@code aud} must contain; not blank
 * @param algorithms the asymmetric algorithms accepted; a published key of another algorithm is
 *     ignored; not empty, never an HMAC algorithm (a published secret would let anyone sign)
 * @param tokenType the {@code typ} header accepted
 * @param scopeClaim the claim holding the scopes: a string of words separated by spaces, or an
 *     array of strings; not blank
 * @param refreshInterval how old the cached key set may get before a verify starts a refresh in the
 *     background
 * @param unknownKidInterval the least time between two fetches, however many tokens name a key the
 *     cached set lacks or arrive while the issuer is down
 * @param outageGrace how long after the refresh point the last good key set still verifies while
 *     the issuer cannot be reached; after that, tokens are refused as UNAVAILABLE
 * @param fetchTimeout the most one fetch may take, connecting and reading included
 */
public record TrustedIssuer(
    String issuer,
    URI jwksUri,
    String audience,
    Set<SigningAlgorithm> algorithms,
    TokenType tokenType,
    String scopeClaim,
    Duration refreshInterval,
    Duration unknownKidInterval,
    Duration outageGrace,
    Duration fetchTimeout) {

  /** The {@code typ} header a trusted issuer's tokens must carry. */
  public enum TokenType {
    /** {@code at+jwt} or {@code application/at+jwt}, in any case (RFC 9068). */
    ACCESS_TOKEN,
    /** {@code JWT}, in any case, or no {@code typ} at all (RFC 7519). */
    JWT,
    /**
     * Either of the above: for an issuer whose access tokens are typed {@code at+jwt} by some of
     * its clients and {@code JWT} by others, or not at all. RFC 9068 section 4 asks a resource
     * server for {@code at+jwt}, which tells an access token from an ID token by its header; with
     * this choice only the audience tells them apart, so the audience must be one no client id of
     * the issuer shares.
     */
    ACCESS_TOKEN_OR_JWT;

    boolean accepts(String typ) {
      boolean accessToken =
          typ != null
              && (typ.equalsIgnoreCase("at+jwt") || typ.equalsIgnoreCase("application/at+jwt"));
      boolean jwt = typ == null || typ.equalsIgnoreCase("JWT");
      return switch (this) {
        case ACCESS_TOKEN -> accessToken;
        case JWT -> jwt;
        case ACCESS_TOKEN_OR_JWT -> accessToken || jwt;
      };
    }

    /** The type a configuration names: {@code at+jwt}, {@code JWT} or {@code at+jwt,JWT}. */
    static TokenType named(String name) {
      return switch (name) {
        case "at+jwt" -> ACCESS_TOKEN;
        case "JWT" -> JWT;
        case "at+jwt,JWT" -> ACCESS_TOKEN_OR_JWT;
        default ->
            throw new IllegalArgumentException(
                "token_type must be \"at+jwt\", \"JWT\" or \"at+jwt,JWT\": " + name);
      };
    }
  }

  /**
   * Validates the value, as the record's components describe.
   *
   * @param issuer the {@code iss}
   * @param jwksUri the JWK Set URL
   * @param audience the audience
   * @param algorithms the accepted algorithms
   * @param tokenType the accepted {@code typ}
   * @param scopeClaim the scope claim's name
   * @param refreshInterval the refresh point of a cached set, 1 second to 7 days
   * @param unknownKidInterval the least time between fetches, 1 second to the refresh interval (a
   *     flood of made-up {@code kid}s must not turn into a flood of fetches)
   * @param outageGrace the grace through an outage, 0 to 7 days
   * @param fetchTimeout the timeout of one fetch, 1 millisecond to 1 minute
   * @throws NullPointerException when a component is null
   * @throws IllegalArgumentException naming the component that is out of range
   */
  public TrustedIssuer {
    requireText(issuer, "issuer");
    Objects.requireNonNull(jwksUri, "jwksUri");
    String scheme = jwksUri.getScheme() == null ? "" : jwksUri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || jwksUri.getHost() == null) {
      throw new IllegalArgumentException("jwksUri must be an absolute http(s) URL: " + jwksUri);
    }
    requireText(audience, "audience");
    Objects.requireNonNull(algorithms, "algorithms");
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("algorithms cannot be empty");
    }
    for (SigningAlgorithm a : algorithms) {
      if (Objects.requireNonNull(a, "algorithm").isHmac()) {
        throw new IllegalArgumentException(
            "algorithms cannot hold an HMAC algorithm for a remote issuer: " + a.jwsName());
      }
    }
    algorithms = Set.copyOf(EnumSet.copyOf(algorithms));
    Objects.requireNonNull(tokenType, "tokenType");
    requireText(scopeClaim, "scopeClaim");
    requireRange(refreshInterval, "refreshInterval", Duration.ofSeconds(1), Duration.ofDays(7));
    requireRange(unknownKidInterval, "unknownKidInterval", Duration.ofSeconds(1), refreshInterval);
    requireRange(outageGrace, "outageGrace", Duration.ZERO, Duration.ofDays(7));
    requireRange(fetchTimeout, "fetchTimeout", Duration.ofMillis(1), Duration.ofMinutes(1));
  }

  /**
   * A builder for an issuer trusted to sign tokens for {@code audience} with the keys at {@code
   * jwksUri}. Defaults: RS256 only, {@code typ} {@code at+jwt}, scopes in {@code scope}, refresh
   * every 5 minutes, at most one fetch per 30 seconds for unknown keys and retries, 1 hour of grace
   * through an outage, 5-second fetch timeout.
   *
   * @param issuer the exact {@code iss} of its tokens
   * @param jwksUri its JWK Set URL
   * @param audience the value a token's {@code aud} must contain
   * @return a new builder
   * @throws NullPointerException when an argument is null
   */
  public static Builder builder(String issuer, URI jwksUri, String audience) {
    return new Builder(issuer, jwksUri, audience);
  }

  /**
   * A builder for {@code issuer}, its JWK Set URL read once, now, from its OpenID Provider metadata
   * at {@code issuer} + {@code /.well-known/openid-configuration} (OpenID Connect Discovery 1.0,
   * section 4), whose {@code issuer} must equal {@code issuer} exactly. Call it while configuring:
   * it blocks for up to {@code timeout}.
   *
   * @param issuer the exact {@code iss} of its tokens, an http(s) URL
   * @param audience the value a token's {@code aud} must contain
   * @param timeout the most the metadata fetch may take
   * @return a new builder with the discovered JWK Set URL
   * @throws NullPointerException when an argument is null
   * @throws IllegalArgumentException when {@code issuer} is not an http(s) URL
   * @throws IllegalStateException when the metadata cannot be fetched or read, names another
   *     issuer, or holds no absolute http(s) {@code jwks_uri}
   */
  public static Builder discover(String issuer, String audience, Duration timeout) {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    requireRange(timeout, "timeout", Duration.ofMillis(1), Duration.ofMinutes(1));
    return new Builder(issuer, Discovery.jwksUri(issuer, timeout), audience);
  }

  /**
   * Trusted issuers from configuration text, e.g. an environment variable: a JSON array of objects
   * with the members {@code "issuer"}, {@code "jwks_uri"} and {@code "audience"} (strings, all
   * required), and optionally {@code "algorithms"} (an array of JWS names), {@code "token_type"}
   * ({@code "at+jwt"}, {@code "JWT"} or {@code "at+jwt,JWT"}) and {@code "scope_claim"}. Any other
   * member is refused, so a misspelt setting fails at start instead of being ignored. What an entry
   * leaves out is what {@code defaults} sets on its {@link #builder}, or else the builder's own
   * default.
   *
   * <pre>{@code
   * List<TrustedIssuer> issuers = TrustedIssuer.listFromJson(System.getenv("TRUSTED_ISSUERS"),
   *     b -> b.tokenType(TrustedIssuer.TokenType.ACCESS_TOKEN_OR_JWT));
   * }</pre>
   *
   * @param json the JSON array
   * @param defaults the settings applied to each entry's builder before the entry's own members
   * @return the issuers, in the array's order; empty for {@code []}
   * @throws NullPointerException when an argument is null
   * @throws IllegalArgumentException naming the entry and member that is wrong: text that is not
   *     such an array, a missing or mistyped member, an unknown algorithm or member, an {@code iss}
   *     twice, or a value out of range
   */
  public static List<TrustedIssuer> listFromJson(String json, UnaryOperator<Builder> defaults) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(defaults, "defaults");
    Object top;
    try {
      // The strict reader takes one object: the array is read as the value of a member.
      byte[] wrapped = ("{\"issuers\":" + json + "\n}").getBytes(StandardCharsets.UTF_8);
      top = StrictJson.parseObject(wrapped).get("issuers");
    } catch (Refusal e) {
      throw new IllegalArgumentException("trusted issuers: not valid JSON");
    }
    if (!(top instanceof List<?> entries)) {
      throw new IllegalArgumentException("trusted issuers: expected a JSON array of objects");
    }
    List<TrustedIssuer> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String where = "trusted issuers[" + i + "]";
      if (!(entries.get(i) instanceof Map<?, ?> entry)) {
        throw new IllegalArgumentException(where + ": expected an object");
      }
      for (Object name : entry.keySet()) {
        if (!Set.of("issuer", "jwks_uri", "audience", "algorithms", "token_type", "scope_claim")
            .contains(name)) {
          throw new IllegalArgumentException(where + ": unknown member " + name);
        }
      }
      String issuer = member(entry, "issuer", where, true);
      String jwks = member(entry, "jwks_uri", where, true);
      String audience = member(entry, "audience", where, true);
      URI jwksUri;
      try {
        jwksUri = new URI(jwks);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(where + ": jwks_uri is not a URL");
      }
      try {
        Builder b = defaults.apply(builder(issuer, jwksUri, audience));
        String type = member(entry, "token_type", where, false);
        if (type != null) {
          b.tokenType(TokenType.named(type));
        }
        String scopeClaim = member(entry, "scope_claim", where, false);
        if (scopeClaim != null) {
          b.scopeClaim(scopeClaim);
        }
        Object algs = entry.get("algorithms");
        if (algs != null) {
          if (!(algs instanceof List<?> names) || names.isEmpty()) {
            throw new IllegalArgumentException("algorithms must be a non-empty array of names");
          }
          List<SigningAlgorithm> parsed = new ArrayList<>();
          for (Object n : names) {
            if (!(n instanceof String name)) {
              throw new IllegalArgumentException("algorithms must be a non-empty array of names");
            }
            parsed.add(SigningAlgorithm.fromJwsName(name));
          }
          b.algorithms(
              parsed.get(0), parsed.subList(1, parsed.size()).toArray(new SigningAlgorithm[0]));
        }
        TrustedIssuer t = b.build();
        if (!seen.add(t.issuer())) {
          throw new IllegalArgumentException("issuer named twice: " + t.issuer());
        }
        out.add(t);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  private static String member(Map<?, ?> entry, String name, String where, boolean required) {
    Object value = entry.get(name);
    if (value == null && !required) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException(
          where + ": " + name + (value == null ? " is required" : " must be a string"));
    }
    return text;
  }

  private static void requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " cannot be blank");
    }
  }

  private static void requireRange(Duration d, String name, Duration min, Duration max) {
    Objects.requireNonNull(d, name);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ": " + d);
    }
  }

  /** Builds a {@link TrustedIssuer}; {@link #build} checks every value. Not thread-safe. */
  public static final class Builder {
    private final String issuer;
    private final URI jwksUri;
    private final String audience;
    private Set<SigningAlgorithm> algorithms = Set.of(SigningAlgorithm.RS256);
    private TokenType tokenType = TokenType.ACCESS_TOKEN;
    private String scopeClaim = "scope";
    private Duration refreshInterval = Duration.ofMinutes(5);
    private Duration unknownKidInterval = Duration.ofSeconds(30);
    private Duration outageGrace = Duration.ofHours(1);
    private Duration fetchTimeout = Duration.ofSeconds(5);

    private Builder(String issuer, URI jwksUri, String audience) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      this.jwksUri = Objects.requireNonNull(jwksUri, "jwksUri");
      this.audience = Objects.requireNonNull(audience, "audience");
    }

    /**
     * Sets the algorithms the issuer may sign with.
     *
     * @param first an accepted algorithm
     * @param more further accepted algorithms
     * @return this builder
     * @throws NullPointerException when an algorithm is null
     * @throws IllegalArgumentException when one is an HMAC algorithm
     */
    public Builder algorithms(SigningAlgorithm first, SigningAlgorithm... more) {
      EnumSet<SigningAlgorithm> set = EnumSet.of(Objects.requireNonNull(first, "algorithm"), more);
      for (SigningAlgorithm a : set) {
        if (a.isHmac()) {
          throw new IllegalArgumentException(
              "algorithms cannot hold an HMAC algorithm for a remote issuer: " + a.jwsName());
        }
      }
      this.algorithms = Set.copyOf(set);
      return this;
    }

    /**
     * Sets the {@code typ} header the issuer's tokens carry.
     *
     * @param type the accepted {@code typ}; default {@link TokenType#ACCESS_TOKEN}
     * @return this builder
     * @throws NullPointerException when {@code type} is null
     */
    public Builder tokenType(TokenType type) {
      this.tokenType = Objects.requireNonNull(type, "tokenType");
      return this;
    }

    /**
     * Sets the claim that carries the scopes.
     *
     * @param name the claim's name, e.g. {@code scp}; default {@code scope}
     * @return this builder
     * @throws NullPointerException when {@code name} is null
     * @throws IllegalArgumentException when {@code name} is blank
     */
    public Builder scopeClaim(String name) {
      requireText(name, "scopeClaim");
      this.scopeClaim = name;
      return this;
    }

    /**
     * Sets how old the cached key set may get before a verify starts a refresh in the background
     * (the cached set verifies meanwhile).
     *
     * @param interval 1 second to 7 days; default 5 minutes
     * @return this builder
     * @throws NullPointerException when {@code interval} is null
     * @throws IllegalArgumentException when {@code interval} is out of range
     */
    public Builder refreshInterval(Duration interval) {
      requireRange(interval, "refreshInterval", Duration.ofSeconds(1), Duration.ofDays(7));
      this.refreshInterval = interval;
      return this;
    }

    /**
     * Sets the least time between two fetches for unknown keys and retries during an outage.
     *
     * @param interval 1 second to the refresh interval (checked by {@link #build}); default 30
     *     seconds
     * @return this builder
     * @throws NullPointerException when {@code interval} is null
     * @throws IllegalArgumentException when {@code interval} is under 1 second
     */
    public Builder unknownKidInterval(Duration interval) {
      requireRange(interval, "unknownKidInterval", Duration.ofSeconds(1), Duration.ofDays(7));
      this.unknownKidInterval = interval;
      return this;
    }

    /**
     * Sets how long past the refresh point the last good key set verifies while the issuer cannot
     * be reached.
     *
     * @param grace 0 to 7 days; default 1 hour
     * @return this builder
     * @throws NullPointerException when {@code grace} is null
     * @throws IllegalArgumentException when {@code grace} is out of range
     */
    public Builder outageGrace(Duration grace) {
      requireRange(grace, "outageGrace", Duration.ZERO, Duration.ofDays(7));
      this.outageGrace = grace;
      return this;
    }

    /**
     * Sets the most one fetch of the key set may take.
     *
     * @param timeout 1 millisecond to 1 minute; default 5 seconds
     * @return this builder
     * @throws NullPointerException when {@code timeout} is null
     * @throws IllegalArgumentException when {@code timeout} is out of range
     */
    public Builder fetchTimeout(Duration timeout) {
      requireRange(timeout, "fetchTimeout", Duration.ofMillis(1), Duration.ofMinutes(1));
      this.fetchTimeout = timeout;
      return this;
    }

    /**
     * {@return the trusted issuer}
     *
     * @throws IllegalArgumentException when a value is out of range, e.g. a blank issuer or an
     *     unknown-kid interval longer than the refresh interval
     */
    public TrustedIssuer build() {
      return new TrustedIssuer(
          issuer,
          jwksUri,
          audience,
          algorithms,
          tokenType,
          scopeClaim,
          refreshInterval,
          unknownKidInterval,
          outageGrace,
          fetchTimeout);
    }
  }
}
