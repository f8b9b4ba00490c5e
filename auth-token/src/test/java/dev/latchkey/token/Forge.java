package dev.latchkey.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Hand-made tokens for the hostile suite: any header, any payload, signed as asked. */
final class Forge {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Forge() {}

  static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String json(Map<String, ?> map) {
    return JSONObjectUtils.toJSONString(new LinkedHashMap<>(map));
  }

  /** Signs header and payload JSON text with {@code key}'s own signer. */
  static String sign(SigningKey key, String headerJson, String payloadJson) {
    return sign(key, headerJson, payloadJson.getBytes(StandardCharsets.UTF_8));
  }

  /** Signs header JSON text and payload bytes (any bytes, UTF-8 or not) with {@code key}. */
  static String sign(SigningKey key, String headerJson, byte[] payload) {
    String input = b64(headerJson) + '.' + B64.encodeToString(payload);
    try {
      return input
          + '.'
          + key.signer().sign(key.verifyHeader(), input.getBytes(StandardCharsets.US_ASCII));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** HMAC-SHA256 over header and payload with arbitrary secret bytes. */
  static String hs256(byte[] secret, String headerJson, String payloadJson) {
    String input = b64(headerJson) + '.' + b64(payloadJson);
    try {
      return input
          + '.'
          + new MACSigner(secret)
              .sign(new JWSHeader(JWSAlgorithm.HS256), input.getBytes(StandardCharsets.US_ASCII));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
