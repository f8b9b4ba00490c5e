package dev.latchkey.token;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The keys of a token service: one that signs new tokens and any number that still verify (keys
 * being rotated out, or other issuers' public keys). Every key has a distinct {@code kid}; a token
 * is verified only with the key its {@code kid} names, and only with that key's algorithm. Every
 * key {@linkplain SigningKey#canVerify may verify}: a JWK whose {@code key_ops} leave out {@code
 * verify} is refused here.
 *
 * <p>Immutable: rotation builds a new ring, e.g. {@code ring.rotate(newKey)} (the new key signs,
 * the old signer still verifies), then later {@code ring.without(oldKid)}; give the new ring to
 * {@link JwtTokenService#rotateKeys(java.util.function.UnaryOperator)}. Thread-safe.
 */
public final class KeyRing {
  private final SigningKey signingKey;
  private final Map<String, SigningKey> byKid;

  /** {@code signingKey} is null for a verify-only ring. */
  private KeyRing(SigningKey signingKey, Collection<SigningKey> verifyAlso) {
    Map<String, SigningKey> map = new LinkedHashMap<>();
    if (signingKey != null) {
      if (!signingKey.canSign()) {
        throw new IllegalArgumentException(
            "the signing key must hold its private part and, if its JWK has key_ops, allow sign: "
                + signingKey.kid());
      }
      requireVerify(signingKey);
      map.put(signingKey.kid(), signingKey);
    }
    for (SigningKey k : verifyAlso) {
      Objects.requireNonNull(k, "verifyAlso key");
      requireVerify(k);
      if (map.putIfAbsent(k.kid(), k) != null) {
        throw new IllegalArgumentException("duplicate kid in key ring: " + k.kid());
      }
    }
    this.signingKey = signingKey;
    this.byKid = Map.copyOf(map);
  }

  /**
   * Every key of a ring verifies: the signing key's own tokens are verified (and revoked, which
   * verifies them first) by the same service, so a signing key that may not verify would issue
   * tokens that no logout can revoke.
   */
  private static void requireVerify(SigningKey key) {
    if (!key.canVerify()) {
      throw new IllegalArgumentException(
          "key "
              + key.kid()
              + " may not verify (its JWK key_ops leave out verify), and every key"
              + " of a ring verifies: add verify to its key_ops");
    }
  }

  /**
   * {@return a ring where {@code signWith} signs and verifies and {@code verifyAlso} only verify}
   *
   * @param signWith the key new tokens are signed with; it must hold its private part
   * @param verifyAlso keys whose tokens are still accepted but never signed with, e.g. the previous
   *     signing key during a rotation
   * @throws NullPointerException when a key of {@code verifyAlso} is null
   * @throws IllegalArgumentException when {@code signWith} cannot sign, a key {@linkplain
   *     SigningKey#canVerify may not verify}, or two keys share a kid
   */
  public static KeyRing of(SigningKey signWith, SigningKey... verifyAlso) {
    return new KeyRing(signWith, Arrays.asList(verifyAlso));
  }

  /**
   * A ring that only verifies, for a resource server that trusts an issuer's published keys (e.g.
   * {@code SigningKey.fromJwkSet(json)}): a service built on it refuses to {@linkplain
   * JwtTokenService#issue issue}.
   *
   * @param first a key whose tokens are accepted
   * @param more further keys whose tokens are accepted
   * @return a ring with no signing key
   * @throws NullPointerException when a key is null
   * @throws IllegalArgumentException when a key {@linkplain SigningKey#canVerify may not verify},
   *     or two keys share a kid
   */
  public static KeyRing verifyOnly(SigningKey first, SigningKey... more) {
    List<SigningKey> keys = new ArrayList<>();
    keys.add(Objects.requireNonNull(first, "key"));
    keys.addAll(Arrays.asList(more));
    return new KeyRing(null, keys);
  }

  /** {@return a new, empty builder; {@link Builder#signWith} is required} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A new ring in which {@code newKey} signs and every key of this ring, the current signer
   * included, still verifies. This ring is unchanged.
   *
   * @param newKey the key to sign with from now on; it must hold its private part
   * @return the rotated ring
   * @throws IllegalArgumentException when {@code newKey}'s kid is already in the ring
   */
  public KeyRing rotate(SigningKey newKey) {
    return new KeyRing(newKey, byKid.values());
  }

  /**
   * A new ring without the key {@code kid}: tokens it signed are refused from then on. This ring is
   * unchanged; a {@code kid} not in it leaves the new ring with the same keys.
   *
   * @param kid the key id to drop
   * @return the ring without that key
   * @throws IllegalArgumentException when {@code kid} is the signing key's
   */
  public KeyRing without(String kid) {
    if (signingKey != null && signingKey.kid().equals(kid)) {
      throw new IllegalArgumentException("cannot remove the signing key: " + kid);
    }
    List<SigningKey> rest = new ArrayList<>();
    for (SigningKey k : byKid.values()) {
      if (!k.kid().equals(kid) && k != signingKey) {
        rest.add(k);
      }
    }
    return new KeyRing(signingKey, rest);
  }

  /**
   * {@return the key new tokens are signed with}
   *
   * @throws IllegalStateException for a {@linkplain #verifyOnly verify-only} ring
   */
  public SigningKey signingKey() {
    if (signingKey == null) {
      throw new IllegalStateException("this key ring is verify-only: it has no signing key");
    }
    return signingKey;
  }

  /**
   * {@return whether this ring has a signing key (false for a {@linkplain #verifyOnly verify-only}
   * one)}
   */
  public boolean canSign() {
    return signingKey != null;
  }

  /**
   * {@return the key with this {@code kid}, signing or verify-only; empty when the ring holds no
   * such key}
   *
   * @param kid the key id, as in a token's {@code kid} header
   */
  public Optional<SigningKey> key(String kid) {
    return Optional.ofNullable(byKid.get(kid));
  }

  /** {@return every key, the signing key included; unmodifiable} */
  public Collection<SigningKey> keys() {
    return byKid.values();
  }

  SigningKey keyOrNull(String kid) {
    return byKid.get(kid);
  }

  /**
   * The public parts of the asymmetric keys as a JWK Set (RFC 7517), for other services to verify
   * with, e.g. served at {@code /.well-known/jwks.json}. HMAC keys are never included, and no key
   * carries a private member ({@code d}, {@code p}, {@code q}, {@code dp}, {@code dq}, {@code qi},
   * {@code k}).
   *
   * @return the JWK Set as JSON; an empty set when the ring holds only HMAC keys
   */
  public String publicJwkSetJson() {
    List<JWK> jwks = new ArrayList<>();
    for (SigningKey k : byKid.values()) {
      JWK jwk = k.exportable();
      if (jwk != null) {
        jwks.add(jwk);
      }
    }
    return new JWKSet(jwks).toString(true);
  }

  @Override
  public String toString() {
    return "KeyRing[signing="
        + (signingKey == null ? "none" : signingKey.kid())
        + ", kids="
        + byKid.keySet()
        + "]";
  }

  /** Builds a {@link KeyRing}. Not thread-safe. */
  public static final class Builder {
    private SigningKey signWith;
    private final List<SigningKey> verifyAlso = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the key that signs new tokens (and verifies them). Required.
     *
     * @param key the signing key; it must hold its private part
     * @return this builder
     * @throws NullPointerException when {@code key} is null
     */
    public Builder signWith(SigningKey key) {
      this.signWith = Objects.requireNonNull(key, "key");
      return this;
    }

    /**
     * Adds keys that only verify, e.g. the previous signing key during rotation.
     *
     * @param keys keys whose tokens are accepted but never signed with; added to those given before
     * @return this builder
     * @throws NullPointerException when a key is null
     */
    public Builder verifyAlso(SigningKey... keys) {
      for (SigningKey k : keys) {
        verifyAlso.add(Objects.requireNonNull(k, "key"));
      }
      return this;
    }

    /**
     * {@return a new ring of the keys given}
     *
     * @throws IllegalStateException when no signing key was given
     * @throws IllegalArgumentException when the signing key cannot sign, a key {@linkplain
     *     SigningKey#canVerify may not verify}, or two keys share a kid
     */
    public KeyRing build() {
      if (signWith == null) {
        throw new IllegalStateException("signWith(key) is required");
      }
      return new KeyRing(signWith, verifyAlso);
    }
  }
}
