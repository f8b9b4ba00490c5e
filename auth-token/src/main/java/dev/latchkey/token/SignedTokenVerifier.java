package dev.latchkey.token;

/**
 * Verification of one token without a cache, as a short pipeline of direct calls: {@link
 * CompactJws} splits it, {@link KeySelector} picks the key its header names and checks the header,
 * {@link SignatureCheck} checks the signature, {@link ClaimsRules} reads the claims and checks the
 * times. Revocation is not checked here: it is asked on every call, cached or not ({@link
 * RevocationCheck}). One verifier serves one key ring. Thread-safe.
 */
final class SignedTokenVerifier {
  private final KeySelector keys;
  private final ClaimsRules rules;
  private final int maxTokenLength;

  SignedTokenVerifier(KeySelector keys, ClaimsRules rules, int maxTokenLength) {
    this.keys = keys;
    this.rules = rules;
    this.maxTokenLength = maxTokenLength;
  }

  /** {@return the key selector, over the ring this verifier uses} */
  KeySelector keys() {
    return keys;
  }

  /** {@return the claims rules, whose time check a cache repeats on every hit} */
  ClaimsRules rules() {
    return rules;
  }

  /**
   * The claims of {@code token}, checked in full but for revocation, at {@code nowMillis}.
   *
   * @throws Refusal the first rule {@code token} breaks, in the order of the pipeline
   */
  VerifiedClaims verify(String token, long nowMillis) throws Refusal {
    CompactJws jws = CompactJws.split(token, maxTokenLength);
    SigningKey key = keys.knownKey(token, jws.firstDot);
    if (key != null) {
      // The very header segment passed every header rule before, for this key.
      key.signatureCheck().require(jws);
    } else {
      jws = jws.withParsedHeader();
      key = keys.select(jws);
      key.signatureCheck().require(jws);
      keys.remember(jws.headerSegment(), key);
    }
    VerifiedClaims claims = rules.read(jws.payload());
    rules.checkTime(claims, nowMillis);
    return claims;
  }
}
