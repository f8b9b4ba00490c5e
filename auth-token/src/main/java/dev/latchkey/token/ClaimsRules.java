package dev.latchkey.token;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The claims step of verification: what a signature-verified payload must hold, and when it may be
 * used. {@link #read} checks the time-independent rules once per token (a cached token is not read
 * again); {@link #checkTime} checks {@code exp}, {@code nbf} and {@code iat} against the caller's
 * clock on every call. Immutable and thread-safe.
 *
 * <ul>
 *   <li>MALFORMED: a missing or mistyped {@code iss}, {@code sub}, {@code aud}, {@code exp}, {@code
 *       iat} or {@code jti}, a blank {@code sub}, an empty {@code jti}, a NumericDate outside 0 to
 *       9999-12-31, an {@code nbf} that is not a number, a {@code sid} or {@code scope} that is not
 *       a string, {@code roles} that are not strings, {@code attrs} that are not a map of strings;
 *   <li>INVALID_CREDENTIALS: a wrong issuer or audience, {@code nbf} or {@code iat} after now plus
 *       the skew;
 *   <li>EXPIRED: {@code exp} at or before now minus the skew.
 * </ul>
 */
final class ClaimsRules {
  /** The extra claim whose space-separated words are a token's scopes (RFC 9068, RFC 8693). */
  static final String SCOPE = "scope";

  /** The claims issue writes itself, which extra claims may not set and are not extra claims. */
  static final Set<String> REGISTERED =
      Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "roles", "attrs", "sid");

  private static final long MAX_EPOCH_SECONDS = 253_402_300_799L; // 9999-12-31T23:59:59Z

  private final String issuer;
  private final String audience;
  private final long skewMillis;

  /**
   * Rules accepting only {@code issuer}, only tokens whose {@code aud} names {@code audience}, with
   * clocks allowed to disagree by {@code skewMillis}.
   */
  ClaimsRules(String issuer, String audience, long skewMillis) {
    this.issuer = issuer;
    this.audience = audience;
    this.skewMillis = skewMillis;
  }

  /**
   * Reads and checks the time-independent claims of a signature-verified payload.
   *
   * @throws Refusal MALFORMED or INVALID_CREDENTIALS as listed above
   */
  VerifiedClaims read(Map<String, Object> claims) throws Refusal {
    String iss = requiredString(claims, "iss");
    if (!iss.equals(issuer)) {
      throw Refusal.invalid("wrong issuer");
    }
    Object aud = claims.get("aud");
    if (aud == null) {
      throw Refusal.malformed("missing claim: aud");
    }
    if (!audienceContains(aud, audience)) {
      throw Refusal.invalid("wrong audience");
    }
    String sub = requiredString(claims, "sub");
    if (sub.isBlank()) {
      throw Refusal.malformed("blank sub");
    }
    String jti = requiredString(claims, "jti");
    if (jti.isEmpty()) {
      throw Refusal.malformed("empty jti");
    }
    long exp = epochMillis(claims, "exp", true);
    long iat = epochMillis(claims, "iat", true);
    long nbf = epochMillis(claims, "nbf", false);
    Object sid = claims.get("sid");
    if (sid != null && !(sid instanceof String)) {
      throw Refusal.malformed("claim is not a string: sid");
    }
    Object scope = claims.get(SCOPE);
    if (scope != null && !(scope instanceof String)) {
      throw Refusal.malformed("claim is not a string: scope");
    }
    Principal principal =
        new Principal(sub, roles(claims.get("roles")), attrs(claims.get("attrs")));
    // The configured issuer, equal to iss: its hash is computed once, not per revocation check.
    return new VerifiedClaims(
        principal, issuer, jti, Instant.ofEpochMilli(iat), iat, exp, nbf, (String) sid, claims);
  }

  /**
   * Checks the times of {@code c} at {@code nowMillis}, clocks allowed to disagree by this rule's
   * skew.
   *
   * @throws Refusal EXPIRED, or INVALID_CREDENTIALS for a token not yet valid or issued ahead
   */
  void checkTime(VerifiedClaims c, long nowMillis) throws Refusal {
    if (nowMillis - skewMillis >= c.expiresAtMillis()) {
      throw new Refusal(AuthResult.Reason.EXPIRED, "token expired");
    }
    if (c.notBeforeMillis() > nowMillis + skewMillis) {
      throw Refusal.invalid("token not yet valid");
    }
    if (c.issuedAtMillis() > nowMillis + skewMillis) {
      throw Refusal.invalid("token issued in the future");
    }
  }

  private static String requiredString(Map<String, Object> claims, String name) throws Refusal {
    Object v = claims.get(name);
    if (v == null) {
      throw Refusal.malformed("missing claim: " + name);
    }
    if (!(v instanceof String s)) {
      throw Refusal.malformed("claim is not a string: " + name);
    }
    return s;
  }

  private static boolean audienceContains(Object aud, String audience) throws Refusal {
    if (aud instanceof String s) {
      return s.equals(audience);
    }
    if (aud instanceof List<?> list) {
      boolean found = false;
      for (Object o : list) {
        if (!(o instanceof String)) {
          throw Refusal.malformed("claim is not a string array: aud");
        }
        found |= audience.equals(o);
      }
      return found;
    }
    throw Refusal.malformed("claim is not a string or array: aud");
  }

  /** A NumericDate claim in epoch milliseconds; {@link Long#MIN_VALUE} when absent and optional. */
  private static long epochMillis(Map<String, Object> claims, String name, boolean required)
      throws Refusal {
    Object v = claims.get(name);
    if (v == null) {
      if (required) {
        throw Refusal.malformed("missing claim: " + name);
      }
      return Long.MIN_VALUE;
    }
    if (v instanceof Long l) {
      if (l < 0 || l > MAX_EPOCH_SECONDS) {
        throw Refusal.malformed("claim out of range: " + name);
      }
      return l * 1000L;
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      // NaN fails both comparisons and lands here too.
      if (!(d >= 0 && d <= MAX_EPOCH_SECONDS)) {
        throw Refusal.malformed("claim out of range: " + name);
      }
      // Round, not floor: 1764064800.123 is 1764064800122.9998 as a double times 1000.
      return Math.round(d * 1000.0);
    }
    throw Refusal.malformed("claim is not a number: " + name);
  }

  private static Set<String> roles(Object v) throws Refusal {
    if (v == null) {
      return Set.of();
    }
    if (!(v instanceof List<?> list)) {
      throw Refusal.malformed("claim is not an array: roles");
    }
    String[] roles = new String[list.size()];
    for (int i = 0; i < roles.length; i++) {
      if (!(list.get(i) instanceof String s)) {
        throw Refusal.malformed("claim is not a string array: roles");
      }
      roles[i] = s;
    }
    try {
      return Set.of(roles);
    } catch (IllegalArgumentException duplicate) {
      return Set.copyOf(List.of(roles));
    }
  }

  private static Map<String, String> attrs(Object v) throws Refusal {
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> map)) {
      throw Refusal.malformed("claim is not an object: attrs");
    }
    Map<String, String> out = new HashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getValue() instanceof String s)) {
        throw Refusal.malformed("claim is not a string map: attrs");
      }
      out.put((String) e.getKey(), s);
    }
    return out;
  }
}
