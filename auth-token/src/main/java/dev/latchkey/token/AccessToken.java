package dev.latchkey.token;

import dev.latchkey.core.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a verified access token carries, as {@link JwtTokenService#verifyToken} answers it: the
 * principal, the scopes, every extra claim given at issue, and the token's times and ids. Immutable
 * and free of Nimbus types; {@code toString()} shows claim names but never a claim's value. The
 * constructor copies {@code scopes} into an unmodifiable set and {@code claims} deeply into
 * unmodifiable maps and lists, and throws {@link NullPointerException} when a component, a scope,
 * or a claim's name or top-level value is null.
 *
 * @param principal the subject, roles and attributes as issued
 * @param scopes the words of the claim named "scope" (RFC 9068: separated by spaces); empty when
 *     the token has none
 * @param claims every claim other than the registered ones ({@code iss}, {@code sub}, {@code aud},
 *     {@code exp}, {@code nbf}, {@code iat}, {@code jti}, {@code roles}, {@code attrs}, {@code
 *     sid}), "scope" included, as JSON reads them back: a {@code String}, a {@code Boolean}, a
 *     {@code Long} for a number with neither fraction nor exponent that fits in a {@code long} (an
 *     {@code Integer} given at issue comes back as a {@code Long}), a {@code Double} for any other
 *     number, a {@code List} for an array and a {@code Map<String, Object>} for an object, all
 *     unmodifiable (a JSON {@code null} inside a list or object is kept as {@code null}; a claim
 *     whose value is {@code null} is left out)
 * @param issuedAt the token's {@code iat}, to the millisecond
 * @param expiresAt the token's {@code exp}
 * @param tokenId the token's {@code jti}, the id {@link JwtTokenService#revoke} lists
 * @param familyId the token's {@code sid}: the refresh family it was issued from, when it names one
 */
public record AccessToken(
    Principal principal,
    Set<String> scopes,
    Map<String, Object> claims,
    Instant issuedAt,
    Instant expiresAt,
    String tokenId,
    Optional<String> familyId) {

  /**
   * Validates and copies, as the class comment says.
   *
   * @param principal the subject, roles and attributes
   * @param scopes the granted scopes
   * @param claims the extra claims
   * @param issuedAt the {@code iat}
   * @param expiresAt the {@code exp}
   * @param tokenId the {@code jti}
   * @param familyId the {@code sid}, when present
   */
  public AccessToken {
    Objects.requireNonNull(principal, "principal");
    scopes = Set.copyOf(scopes);
    claims = Map.copyOf(deepCopy(Objects.requireNonNull(claims, "claims")));
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(familyId, "familyId");
  }

  /**
   * The principal's subject.
   *
   * @return {@code principal().subject()}
   */
  public String subject() {
    return principal.subject();
  }

  /**
   * Whether the token was granted a scope.
   *
   * @param scope one scope, e.g. {@code "orders:read"}
   * @return whether {@link #scopes()} holds it
   */
  public boolean hasScope(String scope) {
    return scopes.contains(scope);
  }

  /**
   * One extra claim.
   *
   * @param name the claim's name
   * @return its value, typed as {@link #claims()} says; empty when the token has no such claim
   */
  public Optional<Object> claim(String name) {
    return Optional.ofNullable(claims.get(name));
  }

  @Override
  public String toString() {
    return "AccessToken[subject="
        + principal.subject()
        + ", roles="
        + principal.roles()
        + ", scopes="
        + scopes
        + ", claims="
        + claims.keySet()
        + ", issuedAt="
        + issuedAt
        + ", expiresAt="
        + expiresAt
        + ", familyId="
        + familyId.isPresent()
        + "]";
  }

  /** The public view of verified claims: every member but the registered ones is an extra claim. */
  static AccessToken of(VerifiedClaims c) {
    Map<String, Object> extra = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : c.claims().entrySet()) {
      // A member whose value is null is absent; issue never writes one.
      if (!ClaimsRules.REGISTERED.contains(e.getKey()) && e.getValue() != null) {
        extra.put(e.getKey(), e.getValue());
      }
    }
    Object scope = c.claims().get(ClaimsRules.SCOPE);
    Set<String> scopes = new TreeSet<>();
    if (scope instanceof String s) {
      for (String part : s.split(" ", -1)) {
        if (!part.isEmpty()) {
          scopes.add(part);
        }
      }
    }
    return new AccessToken(
        c.principal(),
        scopes,
        extra,
        c.issuedAt(),
        Instant.ofEpochMilli(c.expiresAtMillis()),
        c.tokenId(),
        Optional.ofNullable(c.familyId()));
  }

  private static Map<String, Object> deepCopy(Map<?, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      copy.put((String) Objects.requireNonNull(e.getKey(), "claim name"), deepValue(e.getValue()));
    }
    return copy;
  }

  private static Object deepValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      return Collections.unmodifiableMap(deepCopy(m));
    }
    if (v instanceof List<?> l) {
      List<Object> copy = new ArrayList<>(l.size());
      for (Object o : l) {
        copy.add(deepValue(o));
      }
      return Collections.unmodifiableList(copy);
    }
    return v;
  }
}
