package dev.latchkey.token;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC fast path of {@link SignatureCheck}: one HS256, HS384 or HS512 secret, checked with this
 * thread's own initialised {@link Mac}. Nimbus's {@code MACVerifier} looks a {@code Mac} provider
 * up on every call; this costs a fraction of that, and the comparison stays constant-time. The
 * secret never leaves the {@code Mac}. Thread-safe.
 */
final class HmacSignature {
  private final Mac prototype; // initialised with the secret, cloned once per thread
  // Each thread reuses its own initialised Mac (doFinal resets it): a clone per verification cost
  // five allocations and a digest state copy. Entries die with this key's ThreadLocal.
  private final ThreadLocal<Mac> perThread;

  /**
   * A check of {@code algorithm}'s MAC under {@code secret}.
   *
   * @throws IllegalStateException when the JDK cannot compute or clone this MAC
   */
  HmacSignature(SigningAlgorithm algorithm, byte[] secret) {
    String name = "Hmac" + "SHA" + algorithm.jwsName().substring(2);
    try {
      Mac mac = Mac.getInstance(name);
      mac.init(new SecretKeySpec(secret, name));
      // Fail now rather than on the first token if this provider's Mac cannot be cloned.
      var unused = mac.clone();
      this.prototype = mac;
    } catch (GeneralSecurityException | CloneNotSupportedException e) {
      throw new IllegalStateException(name + " is not available", e);
    }
    this.perThread = ThreadLocal.withInitial(this::cloneMac);
  }

  private Mac cloneMac() {
    try {
      return (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      // The constructor cloned it once already, so this cannot happen; verify answers false.
      throw new IllegalStateException("the HMAC cannot be cloned", e);
    }
  }

  /**
   * Whether the compact JWS in {@code jws} (its characters as bytes, base64url apart from the dots,
   * as {@link CompactJws#split} checks) carries after {@code secondDot} the MAC of everything
   * before it. A signature of the wrong length is simply not valid.
   */
  boolean verify(byte[] jws, int secondDot) {
    byte[] signature = CompactJws.decode(jws, secondDot + 1, jws.length);
    if (signature == null) {
      return false;
    }
    // With the range inside the array, update and doFinal cannot fail half-way, and doFinal
    // resets the Mac for this thread's next call.
    Mac mac = perThread.get();
    mac.update(jws, 0, secondDot);
    return MessageDigest.isEqual(mac.doFinal(), signature);
  }
}
