package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthResult;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The signature step alone: {@link SignatureCheck} over each kind of key, on raw compact-JWS bytes,
 * with no header, claims or key ring involved.
 */
class SignatureCheckTest {
  /** The HMAC-SHA256 of {@code input} under a secret of 32 zero bytes, computed apart. */
  static byte[] hs256OfZeroKey(String input) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(new byte[32], "HmacSHA256"));
    return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
  }

  /** {@code signingInput.signature}, the signature base64url-encoded, as ASCII bytes. */
  static byte[] jws(String signingInput, byte[] signature) {
    return (signingInput + '.' + Base64.getUrlEncoder().withoutPadding().encodeToString(signature))
        .getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void hmacVerifyCoversExactlyWhatComesBeforeTheSecondDot() throws Exception {
    SigningKey key = SigningKey.hmac("k", new byte[32], SigningAlgorithm.HS256);
    String input = "header.payload";
    byte[] good = hs256OfZeroKey(input);

    assertThat(key.signatureCheck().verify(jws(input, good), input.length())).isTrue();
    assertThat(key.signatureCheck().verify(jws(input + "x", good), input.length() + 1)).isFalse();
    assertThat(key.signatureCheck().verify(jws("header.payloa", good), input.length() - 1))
        .isFalse();
    assertThat(
            key.signatureCheck()
                .verify(jws(input, hs256OfZeroKey("header.payloa")), input.length()))
        .isFalse();
    assertThat(
            key.signatureCheck()
                .verify(jws(input, java.util.Arrays.copyOf(good, 31)), input.length()))
        .isFalse();
    assertThat(
            key.signatureCheck()
                .verify(jws(input, java.util.Arrays.copyOf(good, 33)), input.length()))
        .isFalse();
    assertThat(key.signatureCheck().verify(jws(input, new byte[0]), input.length())).isFalse();
    // Five characters encode no whole number of bytes.
    assertThat(
            key.signatureCheck()
                .verify((input + ".AAAAA").getBytes(StandardCharsets.US_ASCII), input.length()))
        .isFalse();
  }

  @Test
  void asymmetricVerifyCoversExactlyWhatComesBeforeTheSecondDot() throws Exception {
    for (SigningKey key :
        List.of(
            SigningKey.generateRsa("r", SigningAlgorithm.RS256),
            SigningKey.generateEc("e"),
            SigningKey.generateEd25519("d"))) {
      String input = "header.payload";
      byte[] signature =
          key.signer().sign(key.verifyHeader(), input.getBytes(StandardCharsets.US_ASCII)).decode();

      assertThat(key.signatureCheck().verify(jws(input, signature), input.length()))
          .as("%s", key)
          .isTrue();
      assertThat(key.signatureCheck().verify(jws(input + "x", signature), input.length() + 1))
          .as("%s", key)
          .isFalse();
      assertThat(
              key.signatureCheck().verify(jws(input, new byte[signature.length]), input.length()))
          .as("%s", key)
          .isFalse();
    }
  }

  @Test
  void hmacVerifyAnswersRightOnManyThreadsAtOnce() throws Exception {
    SigningKey key = SigningKey.hmac("k", new byte[32], SigningAlgorithm.HS256);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Integer>> wrong = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        wrong.add(
            pool.submit(
                () -> {
                  int errors = 0;
                  for (int i = 0; i < 2_000; i++) {
                    String input = "t" + thread + "." + i;
                    byte[] good = hs256OfZeroKey(input);
                    byte[] bad = good.clone();
                    bad[i % 32] ^= 1;
                    // A wrong answer, or state left over from the previous call, shows here.
                    errors += key.signatureCheck().verify(jws(input, bad), input.length()) ? 1 : 0;
                    errors += key.signatureCheck().verify(jws(input, good), input.length()) ? 0 : 1;
                  }
                  return errors;
                }));
      }
      for (java.util.concurrent.Future<Integer> f : wrong) {
        assertThat(f.get()).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void requireRefusesABadSignatureAsInvalidCredentials() throws Exception {
    SigningKey key = SigningKey.hmac("k", new byte[32], SigningAlgorithm.HS256);
    String input = "e30.e30";
    CompactJws good =
        CompactJws.split(
            new String(jws(input, hs256OfZeroKey(input)), StandardCharsets.US_ASCII), 8192);
    CompactJws bad =
        CompactJws.split(new String(jws(input, new byte[32]), StandardCharsets.US_ASCII), 8192);

    key.signatureCheck().require(good);
    assertThatThrownBy(() -> key.signatureCheck().require(bad))
        .isInstanceOfSatisfying(
            Refusal.class,
            r -> {
              assertThat(r.reason).isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
              assertThat(r.getMessage()).isEqualTo("bad signature");
            });
  }

  @Test
  void aKeyWhoseKeyOpsLeaveOutVerifyVerifiesNothing() throws Exception {
    String k = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
    SigningKey signOnly =
        SigningKey.fromJwk(
            "{\"kty\":\"oct\",\"kid\":\"s\",\"alg\":\"HS256\",\"key_ops\":[\"sign\"],\"k\":\""
                + k
                + "\"}");
    String input = "header.payload";

    assertThat(signOnly.signatureCheck().verify(jws(input, hs256OfZeroKey(input)), input.length()))
        .isFalse();
  }

  @ParameterizedTest
  @EnumSource(names = {"ES256", "ES384", "ES512"})
  void ecdsaUnderASigningKeyAcceptsOnlyTheLowSSpellingAndVerifyOnlyAcceptsBoth(SigningAlgorithm alg)
      throws Exception {
    SigningKey signing = SigningKey.generateEc("e", alg);
    SigningKey verifyOnly = signing.publicOnly();
    String input = "header.payload";
    byte[] low =
        signing
            .signer()
            .sign(signing.verifyHeader(), input.getBytes(StandardCharsets.US_ASCII))
            .decode();
    byte[] high = highTwin(alg, low);

    assertThat(LowS.of(alg).isLowS(low)).isTrue();
    assertThat(LowS.of(alg).isLowS(high)).isFalse();
    assertThat(signing.signatureCheck().verify(jws(input, low), input.length())).isTrue();
    assertThat(signing.signatureCheck().verify(jws(input, high), input.length())).isFalse();
    assertThat(verifyOnly.signatureCheck().verify(jws(input, low), input.length())).isTrue();
    assertThat(verifyOnly.signatureCheck().verify(jws(input, high), input.length())).isTrue();
  }

  /** The other spelling (r, n - s) of a low-s ECDSA signature. */
  private static byte[] highTwin(SigningAlgorithm alg, byte[] low) {
    int half = EcdsaLowSTest.half(alg);
    java.math.BigInteger n = EcdsaLowSTest.order(alg);
    java.math.BigInteger s =
        new java.math.BigInteger(1, java.util.Arrays.copyOfRange(low, half, 2 * half));
    byte[] twin = java.util.Arrays.copyOf(low, 2 * half);
    byte[] high = n.subtract(s).toByteArray();
    int length = Math.min(high.length, half);
    java.util.Arrays.fill(twin, half, 2 * half, (byte) 0);
    System.arraycopy(high, high.length - length, twin, 2 * half - length, length);
    return twin;
  }

  @Test
  void everyAlgorithmRefusesAnotherKeysSignature() throws Exception {
    for (SigningKey key :
        List.of(
            SigningKey.hmac("h", new byte[32], SigningAlgorithm.HS256),
            SigningKey.generateRsa("r", SigningAlgorithm.PS256),
            SigningKey.generateEc("e"),
            SigningKey.generateEd25519("d"))) {
      SigningKey other =
          key.algorithm().isHmac()
              ? SigningKey.hmac(
                  "h",
                  new byte[] {
                    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                    23, 24, 25, 26, 27, 28, 29, 30, 31, 32
                  },
                  SigningAlgorithm.HS256)
              : key.algorithm() == SigningAlgorithm.ES256
                  ? SigningKey.generateEc("e")
                  : key.algorithm() == SigningAlgorithm.EDDSA
                      ? SigningKey.generateEd25519("d")
                      : SigningKey.generateRsa("r", SigningAlgorithm.PS256);
      String input = "header.payload";
      byte[] signature =
          other
              .signer()
              .sign(other.verifyHeader(), input.getBytes(StandardCharsets.US_ASCII))
              .decode();

      assertThat(key.signatureCheck().verify(jws(input, signature), input.length()))
          .as("%s", key)
          .isFalse();
    }
  }
}
