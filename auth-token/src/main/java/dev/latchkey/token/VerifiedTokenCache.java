package dev.latchkey.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The verified-token cache, as a decorator around a {@link SignedTokenVerifier}: a token that
 * passed the signature and claims checks is kept (keyed by the exact token string), and a repeated
 * verify skips parsing and the signature but still checks the times; revocation is the caller's, on
 * every call. Only tokens that verified at the time are put in. One cache serves one key ring: a
 * token cached under a key that a new ring dropped must not outlive the key. It holds live bearer
 * tokens in the heap. Thread-safe.
 */
final class VerifiedTokenCache {
  private final SignedTokenVerifier verifier;
  private final ClaimsRules rules;
  private final Cache<CacheKey, VerifiedClaims> cache;

  /** A cache of at most {@code size} tokens (above zero) in front of {@code verifier}. */
  VerifiedTokenCache(SignedTokenVerifier verifier, long size) {
    this.verifier = verifier;
    this.rules = verifier.rules();
    this.cache = Caffeine.newBuilder().maximumSize(size).build();
  }

  /**
   * What {@link SignedTokenVerifier#verify} answers for {@code token} at {@code nowMillis}, from
   * the cache when it holds the token.
   *
   * @param token not null, not empty, within the length limit ({@link CompactJws#checkLength})
   * @throws Refusal what the verifier refuses, or the time check refuses for a cached token
   */
  VerifiedClaims verify(String token, long nowMillis) throws Refusal {
    CacheKey key = new CacheKey(token);
    VerifiedClaims claims = cache.getIfPresent(key);
    if (claims == null) {
      claims = verifier.verify(token, nowMillis);
      cache.put(key, claims);
    } else {
      rules.checkTime(claims, nowMillis);
    }
    return claims;
  }

  /**
   * A verified-token cache key: the whole token, compared in full, hashed over its last {@value
   * #HASHED_CHARS} characters only. Those are signature characters, which no one can choose for a
   * token that verifies, so they spread as well as a hash of the whole string; and a server gets a
   * fresh {@code String} per request, whose {@code hashCode} would otherwise walk all of it (an
   * RS256 token is 3× as long as an ES256 one). Only tokens that verified are ever put in the
   * cache, so a forged token cannot crowd a bucket either.
   */
  private static final class CacheKey {
    private static final int HASHED_CHARS = 32;
    private final String token;
    private final int hash;

    CacheKey(String token) {
      this.token = token;
      int h = 0;
      for (int i = Math.max(0, token.length() - HASHED_CHARS); i < token.length(); i++) {
        h = 31 * h + token.charAt(i);
      }
      this.hash = h;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof CacheKey k && hash == k.hash && token.equals(k.token);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
