package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.TestClock;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ECDSA signatures are malleable: with (r, s) valid, so is (r, n - s). Latchkey signs ES256, ES384
 * and ES512 with the low s only (s at most n / 2), and a service whose ring holds the private key
 * refuses the high-s spelling, so its tokens have one string each. A verify-only ring (another
 * issuer's public key) accepts both spellings, as other signers may not normalise; revocation is by
 * {@code jti}, so revoking either spelling refuses both.
 */
class EcdsaLowSTest {
  private static final Principal ALICE = Principal.of("alice");
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));

  /**
   * The order n of each curve's base point, as SEC 2 version 2.0 (sections 2.4.2, 2.5.1, 2.6.1) and
   * FIPS 186-4 (appendix D.1.2) publish it: written out here, not read from the JDK, so the test
   * checks the code's curve table rather than repeating it.
   */
  static BigInteger order(SigningAlgorithm alg) {
    return switch (alg) {
      case ES256 ->
          new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
      case ES384 ->
          new BigInteger(
              "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
                  + "C7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
              16);
      case ES512 ->
          new BigInteger(
              "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA"
                  + "51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409",
              16);
      default -> throw new IllegalArgumentException(alg.toString());
    };
  }

  /** The length of r and of s in a JWS signature (RFC 7518 section 3.4). */
  static int half(SigningAlgorithm alg) {
    return switch (alg) {
      case ES256 -> 32;
      case ES384 -> 48;
      case ES512 -> 66;
      default -> throw new IllegalArgumentException(alg.toString());
    };
  }

  private JwtTokenService service(KeyRing ring) {
    return JwtTokenService.builder(ring, "https://auth.example", "api").clock(clock).build();
  }

  private static BigInteger s(SigningAlgorithm alg, String token) {
    byte[] sig = Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
    int half = half(alg);
    assertThat(sig).hasSize(2 * half);
    return new BigInteger(1, Arrays.copyOfRange(sig, half, 2 * half));
  }

  /** The same token with s replaced by n - s: the other valid spelling of its signature. */
  static String otherSpelling(SigningAlgorithm alg, String token) {
    int dot = token.lastIndexOf('.');
    int half = half(alg);
    byte[] sig = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    byte[] flipped = order(alg).subtract(s(alg, token)).toByteArray();
    byte[] other = Arrays.copyOf(sig, 2 * half);
    Arrays.fill(other, half, 2 * half, (byte) 0);
    int len = Math.min(flipped.length, half);
    System.arraycopy(flipped, flipped.length - len, other, 2 * half - len, len);
    return token.substring(0, dot + 1)
        + Base64.getUrlEncoder().withoutPadding().encodeToString(other);
  }

  private static Reason reason(AuthResult result) {
    assertThat(result.failure()).isPresent();
    return result.failure().orElseThrow().reason();
  }

  @ParameterizedTest
  @EnumSource(names = {"ES256", "ES384", "ES512"})
  void signaturesAreLowS(SigningAlgorithm alg) {
    // The JDK's ECDSA leaves s high half the time: 64 signatures all low is chance at 2^-64.
    JwtTokenService es = service(KeyRing.of(SigningKey.generateEc("e", alg)));
    BigInteger half = order(alg).shiftRight(1);
    for (int i = 0; i < 64; i++) {
      String token = es.issue(ALICE).value();
      assertThat(s(alg, token)).as("token %d", i).isLessThanOrEqualTo(half);
      assertThat(es.verify(token).succeeded()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"ES256", "ES384", "ES512"})
  void theHighSSpellingIsRefusedWhereTheRingHoldsThePrivateKey(SigningAlgorithm alg) {
    SigningKey ec = SigningKey.generateEc("e", alg);
    JwtTokenService es = service(KeyRing.of(ec));
    for (int i = 0; i < 8; i++) {
      String token = es.issue(ALICE).value();

      assertThat(es.verify(token).succeeded()).isTrue();
      assertThat(reason(es.verify(otherSpelling(alg, token))))
          .isEqualTo(Reason.INVALID_CREDENTIALS);
    }
    // After rotation the old key still verifies, and still holds its private part.
    String old = es.issue(ALICE).value();
    es.rotateKeys(ring -> ring.rotate(SigningKey.generateEc("f", alg)));
    assertThat(es.verify(old).succeeded()).isTrue();
    assertThat(reason(es.verify(otherSpelling(alg, old)))).isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @ParameterizedTest
  @EnumSource(names = {"ES256", "ES384", "ES512"})
  void aVerifyOnlyRingAcceptsBothSpellingsAndRevokingOneRevokesBoth(SigningAlgorithm alg) {
    SigningKey ec = SigningKey.generateEc("e", alg);
    String token = service(KeyRing.of(ec)).issue(ALICE).value();
    String twin = otherSpelling(alg, token);
    JwtTokenService verifier = service(KeyRing.verifyOnly(ec.publicOnly()));

    assertThat(twin).isNotEqualTo(token);
    assertThat(verifier.verify(token).succeeded()).isTrue();
    assertThat(verifier.verify(twin).succeeded()).isTrue();
    assertThat(verifier.revoke(twin)).isTrue();
    assertThat(reason(verifier.verify(token))).isEqualTo(Reason.REVOKED);
    assertThat(reason(verifier.verify(twin))).isEqualTo(Reason.REVOKED);
  }
}
