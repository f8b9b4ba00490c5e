package dev.latchkey.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.latchkey.core.Principal;
import dev.latchkey.core.TokenService.IssuedToken;
import dev.latchkey.core.spi.RevocationList;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Mints access tokens with one signing key, apart from verification: the claims {@link
 * JwtTokenService#issue} documents, signed under a header fixed per key ({@code alg}, {@code kid},
 * {@code typ: at+jwt}) and encoded once. A token is minted at the subject's "log out everywhere"
 * cut-off rather than at the clock's time when that cut-off lies ahead ({@link
 * Revocations#mintTime}). One issuer serves one key ring's signing key. Thread-safe.
 */
final class TokenIssuer {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final SigningKey key;
  private final String headerPrefix; // base64url header of the key, and the dot
  private final String issuer;
  private final String audience;
  private final long lifetimeSeconds;
  private final Clock clock;
  private final RevocationList revocations;
  private final long maxAheadMillis;
  private final int maxTokenLength;

  /**
   * An issuer signing with {@code key} (which must sign).
   *
   * @param maxAheadMillis how far ahead of the clock a subject's cut-off may move {@code iat}: the
   *     clock skew less the fleet clock skew
   */
  TokenIssuer(
      SigningKey key,
      String issuer,
      String audience,
      long lifetimeSeconds,
      Clock clock,
      RevocationList revocations,
      long maxAheadMillis,
      int maxTokenLength) {
    this.key = key;
    this.issuer = issuer;
    this.audience = audience;
    this.lifetimeSeconds = lifetimeSeconds;
    this.clock = clock;
    this.revocations = revocations;
    this.maxAheadMillis = maxAheadMillis;
    this.maxTokenLength = maxTokenLength;
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", key.algorithm().jwsName());
    header.put("kid", key.kid());
    header.put("typ", JwtTokenService.TOKEN_TYPE);
    this.headerPrefix =
        B64.encodeToString(JSONObjectUtils.toJSONString(header).getBytes(StandardCharsets.UTF_8))
            + '.';
  }

  /** {@return the header segment of every token this issuer mints, base64url} */
  String headerSegment() {
    return headerPrefix.substring(0, headerPrefix.length() - 1);
  }

  /**
   * A new signed token for {@code principal}, naming {@code familyId} in {@code sid} when not null.
   *
   * @throws IllegalArgumentException as {@link JwtTokenService#issue(Principal, Map)} documents
   */
  IssuedToken issue(Principal principal, String familyId, Map<String, Object> extraClaims) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(extraClaims, "extraClaims");
    Map<String, Object> extra =
        ClaimValues.copyOf(extraClaims, ClaimsRules.REGISTERED, maxTokenLength);
    if (extra.containsKey(ClaimsRules.SCOPE) && !(extra.get(ClaimsRules.SCOPE) instanceof String)) {
      // Verify reads scopes from a string only (RFC 9068), and refuses any other scope claim.
      throw new IllegalArgumentException("claim scope must be a string of space-separated scopes");
    }
    long nowMillis =
        Revocations.mintTime(revocations, principal.subject(), clock.millis(), maxAheadMillis);
    long now = Math.floorDiv(nowMillis, 1000L);
    long exp = now + lifetimeSeconds;
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", principal.subject());
    claims.put("aud", audience);
    // Milliseconds in iat, so that revokeAll can tell a token issued just after it from one issued
    // just before it in the same second.
    claims.put("iat", BigDecimal.valueOf(nowMillis, 3));
    claims.put("exp", exp);
    claims.put("jti", newTokenId());
    if (familyId != null) {
      claims.put("sid", familyId);
    }
    claims.put("roles", new ArrayList<>(new TreeSet<>(principal.roles())));
    if (!principal.attributes().isEmpty()) {
      claims.put("attrs", new TreeMap<>(principal.attributes()));
    }
    claims.putAll(extra);
    String signingInput =
        headerPrefix
            + B64.encodeToString(
                JSONObjectUtils.toJSONString(claims).getBytes(StandardCharsets.UTF_8));
    Base64URL signature;
    try {
      signature =
          key.signer().sign(key.verifyHeader(), signingInput.getBytes(StandardCharsets.ISO_8859_1));
    } catch (JOSEException e) {
      throw new IllegalStateException("signing with key " + key.kid() + " failed", e);
    }
    String token = signingInput + '.' + signature;
    if (token.length() > maxTokenLength) {
      throw new IllegalArgumentException(
          "the token would be "
              + token.length()
              + " characters, over maxTokenLength "
              + maxTokenLength
              + ": fewer claims or a larger maxTokenLength");
    }
    return new IssuedToken(token, Instant.ofEpochSecond(exp));
  }

  private static String newTokenId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return B64.encodeToString(bytes);
  }
}
