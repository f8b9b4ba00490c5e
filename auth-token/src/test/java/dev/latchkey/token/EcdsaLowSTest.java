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
import org.junit.jupiter.api.Test;

/**
 * ECDSA signatures are malleable: with (r, s) valid, so is (r, n - s). Latchkey signs ES256 with
 * the low s only (s at most n / 2), and a service whose ring holds the private key refuses the
 * high-s spelling, so its tokens have one string each. A verify-only ring (another issuer's public
 * key) accepts both spellings, as other signers may not normalise; revocation is by {@code jti}, so
 * revoking either spelling refuses both.
 */
class EcdsaLowSTest {
  /** The order of P-256. */
  private static final BigInteger N =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  private static final Principal ALICE = Principal.of("alice");
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));

  private JwtTokenService service(KeyRing ring) {
    return JwtTokenService.builder(ring, "https://auth.example", "api").clock(clock).build();
  }

  private static BigInteger s(String token) {
    byte[] sig = Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
    assertThat(sig).hasSize(64);
    return new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
  }

  /** The same token with s replaced by n - s: the other valid spelling of its signature. */
  static String otherSpelling(String token) {
    int dot = token.lastIndexOf('.');
    byte[] sig = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    byte[] flipped = N.subtract(s(token)).toByteArray();
    byte[] other = Arrays.copyOf(sig, 64);
    Arrays.fill(other, 32, 64, (byte) 0);
    int len = Math.min(flipped.length, 32);
    System.arraycopy(flipped, flipped.length - len, other, 64 - len, len);
    return token.substring(0, dot + 1)
        + Base64.getUrlEncoder().withoutPadding().encodeToString(other);
  }

  private static Reason reason(AuthResult result) {
    assertThat(result.failure()).isPresent();
    return result.failure().orElseThrow().reason();
  }

  @Test
  void es256SignaturesAreLowS() {
    // The JDK's ECDSA leaves s high half the time: 64 signatures all low is chance at 2^-64.
    JwtTokenService es = service(KeyRing.of(SigningKey.generateEc("e")));
    BigInteger half = N.shiftRight(1);
    for (int i = 0; i < 64; i++) {
      String token = es.issue(ALICE).value();
      assertThat(s(token)).as("token %d", i).isLessThanOrEqualTo(half);
      assertThat(es.verify(token).succeeded()).isTrue();
    }
  }

  @Test
  void theHighSSpellingIsRefusedWhereTheRingHoldsThePrivateKey() {
    SigningKey ec = SigningKey.generateEc("e");
    JwtTokenService es = service(KeyRing.of(ec));
    for (int i = 0; i < 8; i++) {
      String token = es.issue(ALICE).value();

      assertThat(es.verify(token).succeeded()).isTrue();
      assertThat(reason(es.verify(otherSpelling(token)))).isEqualTo(Reason.INVALID_CREDENTIALS);
    }
    // After rotation the old key still verifies, and still holds its private part.
    String old = es.issue(ALICE).value();
    es.rotateKeys(ring -> ring.rotate(SigningKey.generateEc("f")));
    assertThat(es.verify(old).succeeded()).isTrue();
    assertThat(reason(es.verify(otherSpelling(old)))).isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @Test
  void aVerifyOnlyRingAcceptsBothSpellingsAndRevokingOneRevokesBoth() {
    SigningKey ec = SigningKey.generateEc("e");
    String token = service(KeyRing.of(ec)).issue(ALICE).value();
    String twin = otherSpelling(token);
    JwtTokenService verifier = service(KeyRing.verifyOnly(ec.publicOnly()));

    assertThat(twin).isNotEqualTo(token);
    assertThat(verifier.verify(token).succeeded()).isTrue();
    assertThat(verifier.verify(twin).succeeded()).isTrue();
    assertThat(verifier.revoke(twin)).isTrue();
    assertThat(reason(verifier.verify(token))).isEqualTo(Reason.REVOKED);
    assertThat(reason(verifier.verify(twin))).isEqualTo(Reason.REVOKED);
  }
}
