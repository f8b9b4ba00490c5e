package dev.latchkey.token;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads {@link SigningKey}s from JWK and JWK Set text (RFC 7517), checking each before it is used:
 * a weak or unusable key, a JWK whose {@code use} is not {@code sig} or whose {@code key_ops} allow
 * neither signing nor verifying, or a JWK Set mixing secret or private keys with public ones, is an
 * {@link IllegalArgumentException} whose message never quotes key material. Stateless.
 */
final class JwkImport {
  private JwkImport() {}

  /** See {@link SigningKey#fromJwk(String)}. */
  static SigningKey fromJwk(String json) {
    Objects.requireNonNull(json, "json");
    JWK jwk;
    try {
      jwk = JWK.parse(json);
    } catch (ParseException | RuntimeException e) {
      // No cause: the parser's message may quote the input, which holds key material.
      throw new IllegalArgumentException("not a valid JWK");
    }
    return fromJwk(jwk);
  }

  /** See {@link SigningKey#fromJwkSet(String)}. */
  static List<SigningKey> fromJwkSet(String json) {
    Objects.requireNonNull(json, "json");
    JWKSet set;
    try {
      set = JWKSet.parse(json);
    } catch (ParseException | RuntimeException e) {
      throw new IllegalArgumentException("not a valid JWK Set");
    }
    List<SigningKey> keys = new ArrayList<>();
    List<String> secret = new ArrayList<>();
    List<String> publicOnly = new ArrayList<>();
    for (JWK jwk : set.getKeys()) {
      SigningKey key = fromJwk(jwk);
      (jwk.isPrivate() ? secret : publicOnly).add(key.kid());
      keys.add(key);
    }
    if (!secret.isEmpty() && !publicOnly.isEmpty()) {
      // A set holding public keys is one that is published or fetched: a secret or private key
      // in it is readable by everyone who can read the set, and forges tokens that verify.
      throw new IllegalArgumentException(
          "a JWK Set must hold only secret and private keys (configuration) or only public keys"
              + " (as published): keys "
              + secret
              + " hold secret or private parts, keys "
              + publicOnly
              + " do not");
    }
    return List.copyOf(keys);
  }

  /** One parsed JWK as a checked key, as {@link SigningKey#fromJwk(String)} describes. */
  static SigningKey fromJwk(JWK jwk) {
    String kid = jwk.getKeyID();
    if (kid == null || kid.isBlank()) {
      throw new IllegalArgumentException("a JWK needs a kid");
    }
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      throw new IllegalArgumentException("JWK " + kid + " is not a signing key (use is not sig)");
    }
    Set<KeyOperation> ops = jwk.getKeyOperations();
    if (ops != null
        && !ops.contains(KeyOperation.VERIFY)
        && !(ops.contains(KeyOperation.SIGN) && jwk.isPrivate())) {
      // SigningKey honours the rest: without sign it never signs, without verify never verifies.
      throw new IllegalArgumentException(
          "JWK "
              + kid
              + " may neither sign nor verify here: its key_ops are "
              + ops.stream().map(KeyOperation::identifier).sorted().toList()
              + (jwk.isPrivate() ? "" : " and it holds no private part to sign with"));
    }
    SigningAlgorithm alg;
    if (jwk.getAlgorithm() != null) {
      alg = SigningAlgorithm.fromJwsName(jwk.getAlgorithm().getName());
    } else if (jwk instanceof ECKey ec) {
      alg = SigningAlgorithm.forCurve(ec.getCurve());
      if (alg == null) {
        throw new IllegalArgumentException("EC keys must be on P-256, P-384 or P-521: " + kid);
      }
    } else if (jwk instanceof OctetKeyPair) {
      alg = SigningAlgorithm.EDDSA;
    } else {
      throw new IllegalArgumentException("JWK " + kid + " needs an alg member");
    }
    if (alg.isHmac() && jwk instanceof OctetSequenceKey oct) {
      KeyChecks.checkSecretLength(oct.toByteArray().length, alg);
      return new SigningKey(kid, alg, oct);
    }
    if (alg.isRsa() && jwk instanceof RSAKey rsa) {
      KeyChecks.checkRsaSize(rsa.size());
      return new SigningKey(kid, alg, rsa);
    }
    if (alg.isEcdsa() && jwk instanceof ECKey ec) {
      if (!alg.ecCurve().equals(ec.getCurve())) {
        throw new IllegalArgumentException(
            alg.jwsName() + " keys must be on " + alg.ecCurve() + ": " + kid);
      }
      return new SigningKey(kid, alg, ec);
    }
    if (alg == SigningAlgorithm.EDDSA && jwk instanceof OctetKeyPair okp) {
      if (!Curve.Ed25519.equals(okp.getCurve())) {
        throw new IllegalArgumentException("EdDSA keys must be Ed25519: " + kid);
      }
      return new SigningKey(kid, alg, okp);
    }
    throw new IllegalArgumentException(
        "JWK " + kid + " of type " + jwk.getKeyType() + " cannot be used with " + alg.jwsName());
  }
}
