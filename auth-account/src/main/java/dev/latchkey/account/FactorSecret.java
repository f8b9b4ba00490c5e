package dev.latchkey.account;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What {@link SecretSeal} seals for one factor: its TOTP parameters with its secret, so a factor
 * keeps the parameters it was enrolled with when the service's defaults change. The text form is
 * {@code <algorithm>:<digits>:<period seconds>:<base32 secret>}.
 */
final class FactorSecret {
  private final Totp totp;
  private final byte[] secret;

  private FactorSecret(Totp totp, byte[] secret) {
    this.totp = totp;
    this.secret = secret;
  }

  Totp totp() {
    return totp;
  }

  byte[] secret() {
    return secret;
  }

  static byte[] encode(Totp totp, byte[] secret) {
    String text =
        totp.algorithm().name()
            + ":"
            + totp.digits()
            + ":"
            + totp.period().toSeconds()
            + ":"
            + Base32.encode(secret);
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Reads what {@link #encode} wrote.
   *
   * @throws IllegalStateException when {@code plain} has another form
   */
  static FactorSecret decode(byte[] plain) {
    String[] parts = new String(plain, StandardCharsets.US_ASCII).split(":", -1);
    if (parts.length != 4) {
      throw new IllegalStateException("sealed second-factor secret has an unknown form");
    }
    try {
      Totp t =
          new Totp(
              Totp.Algorithm.valueOf(parts[0]),
              Integer.parseInt(parts[1]),
              Duration.ofSeconds(Long.parseLong(parts[2])));
      return new FactorSecret(t, Base32.decode(parts[3]));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("sealed second-factor secret has an unknown form");
    }
  }
}
