package dev.latchkey.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.core.internal.OpaqueIds;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * The claim checks of an ID token whose signature has been verified (OpenID Connect Core 1.0,
 * section 3.1.3.7, steps 2 to 11, as they apply to a confidential client): issuer, audience, {@code
 * azp}, expiry and issue time by the caller's clock within a bounded skew, and the nonce of the
 * login, compared in constant time. Stateless.
 */
final class IdTokenRules {
  /** OpenID Connect Core 1.0, section 2: {@code sub} is at most 255 ASCII characters. */
  static final int MAX_SUBJECT_CHARS = 255;

  private final String issuer;
  private final String clientId;
  private final Duration skew;

  IdTokenRules(String issuer, String clientId, Duration skew) {
    this.issuer = issuer;
    this.clientId = clientId;
    this.skew = skew;
  }

  /**
   * Whether the claims pass every check.
   *
   * @param claims the verified token's claims
   * @param nonce the login's nonce
   * @param startedAt when the login started: a token issued before it cannot be this login's
   * @param now the caller's time
   */
  boolean accept(JWTClaimsSet claims, String nonce, Instant startedAt, Instant now) {
    if (!issuer.equals(claims.getIssuer())) {
      return false;
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isEmpty() || subject.length() > MAX_SUBJECT_CHARS) {
      return false;
    }
    List<String> audience = claims.getAudience();
    if (audience == null || !audience.contains(clientId)) {
      return false;
    }
    String azp;
    try {
      azp = claims.getStringClaim("azp");
    } catch (ParseException e) {
      return false;
    }
    // With several audiences the token must say it was issued to this client; when it names an
    // authorized party at all, that must be this client.
    if ((audience.size() > 1 && azp == null) || (azp != null && !azp.equals(clientId))) {
      return false;
    }
    Date exp = claims.getExpirationTime();
    Date iat = claims.getIssueTime();
    if (exp == null || iat == null) {
      return false;
    }
    if (!now.isBefore(exp.toInstant().plus(skew))) {
      return false;
    }
    Instant issued = iat.toInstant();
    if (issued.isAfter(now.plus(skew)) || issued.isBefore(startedAt.minus(skew))) {
      return false;
    }
    String presented;
    try {
      presented = claims.getStringClaim("nonce");
    } catch (ParseException e) {
      return false;
    }
    return OpaqueIds.constantTimeEquals(nonce, presented);
  }

  @Override
  public String toString() {
    return "IdTokenRules[issuer=" + issuer + ", skew=" + skew + "]";
  }
}
