package dev.latchkey.token;

import java.util.Arrays;

/**
 * The key-selection step of verification, over one {@link KeyRing}: the key a token's header names,
 * and the header rules that key imposes. A token is verified only with the key its {@code kid}
 * names and only with that key's algorithm: {@code alg} must be exactly the key's (so never {@code
 * none}, and never HMAC with an RSA key's bytes); {@code jwk}, {@code jku}, {@code x5u} and {@code
 * x5c} are refused outright (a key from the token itself proves nothing), as is any {@code crit};
 * {@code typ} must be {@code at+jwt} or {@code application/at+jwt}, in any case.
 *
 * <p>It also remembers a few header segments that passed these rules and came with a valid
 * signature, so that the next token with the very same header segment skips decoding and reading
 * it. The issuer's own header is known from the start. One selector serves one ring: rotation makes
 * a new one, so a remembered header never outlives its key. Thread-safe.
 */
final class KeySelector {
  private static final int MAX_KNOWN_HEADERS = 16;
  private static final String[] FORBIDDEN_HEADERS = {"jwk", "jku", "x5u", "x5c"};

  private final KeyRing ring;
  private volatile KnownHeader[] knownHeaders;

  /**
   * A selector over {@code ring}; {@code ownHeader}, the header segment the ring's signing key
   * issues tokens with (null: none), is known from the start.
   */
  KeySelector(KeyRing ring, String ownHeader) {
    this.ring = ring;
    this.knownHeaders =
        ownHeader == null
            ? new KnownHeader[0]
            : new KnownHeader[] {new KnownHeader(ownHeader, ring.signingKey())};
  }

  /** {@return the ring keys are selected from} */
  KeyRing ring() {
    return ring;
  }

  /**
   * The key of a header segment known to pass the header rules, or null: the first {@code
   * headerLength} characters of {@code token} are its header segment.
   */
  SigningKey knownKey(String token, int headerLength) {
    for (KnownHeader h : knownHeaders) {
      if (h.segment().length() == headerLength && token.startsWith(h.segment())) {
        return h.key();
      }
    }
    return null;
  }

  /**
   * The key {@code jws}'s parsed header names, checked against every header rule.
   *
   * @throws Refusal INVALID_CREDENTIALS for a missing or unknown {@code kid}, an {@code alg} other
   *     than the key's, a refused header or a wrong {@code typ}; MALFORMED for a missing {@code
   *     alg}
   */
  SigningKey select(CompactJws jws) throws Refusal {
    String kid = jws.kid();
    SigningKey key = kid == null ? null : ring.keyOrNull(kid);
    if (key == null) {
      throw Refusal.invalid(kid == null ? "missing kid" : "unknown kid");
    }
    checkHeader(jws, key);
    String typ = jws.typ();
    if (typ == null
        || !(typ.equalsIgnoreCase(JwtTokenService.TOKEN_TYPE)
            || typ.equalsIgnoreCase("application/at+jwt"))) {
      throw Refusal.invalid("wrong typ");
    }
    return key;
  }

  /**
   * Checks {@code jws}'s parsed header against {@code key}: {@code alg} exactly the key's, no
   * key-carrying header, no {@code crit}. The {@code typ} is not looked at.
   *
   * @throws Refusal INVALID_CREDENTIALS for a refused header, MALFORMED for a missing {@code alg}
   */
  static void checkHeader(CompactJws jws, SigningKey key) throws Refusal {
    Object alg = jws.header.get("alg");
    if (!(alg instanceof String)) {
      throw Refusal.malformed("missing alg");
    }
    if (!key.algorithm().jwsName().equals(alg)) {
      throw Refusal.invalid("alg does not match the key");
    }
    for (String name : FORBIDDEN_HEADERS) {
      if (jws.header.containsKey(name)) {
        throw Refusal.invalid("refused header: " + name);
      }
    }
    if (jws.header.containsKey("crit")) {
      throw Refusal.invalid("refused header: crit");
    }
  }

  /**
   * Remembers a header segment that passed {@link #select} for {@code key} and came with a valid
   * signature. Only signed headers are remembered, and only a few, so forged headers cannot fill
   * the list.
   */
  void remember(String segment, SigningKey key) {
    KnownHeader[] current = knownHeaders;
    if (current.length >= MAX_KNOWN_HEADERS) {
      return;
    }
    for (KnownHeader h : current) {
      if (h.segment().equals(segment)) {
        return;
      }
    }
    KnownHeader[] next = Arrays.copyOf(current, current.length + 1);
    next[current.length] = new KnownHeader(segment, key);
    knownHeaders = next; // a lost race only loses one remembered header
  }

  /** How many header segments are remembered. */
  int knownHeaderCount() {
    return knownHeaders.length;
  }

  private record KnownHeader(String segment, SigningKey key) {}
}
