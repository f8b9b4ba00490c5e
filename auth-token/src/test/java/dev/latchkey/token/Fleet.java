package dev.latchkey.token;

import dev.latchkey.core.spi.RevocationList;
import java.time.Clock;
import java.time.Duration;

/** Nodes of a test fleet: token services with one shared key, each on its own clock. */
public final class Fleet {
  /** The issuer of every node, as the revocation list contract expects. */
  public static final String ISS = "https://issuer.example";

  private static final KeyRing KEYS =
      KeyRing.of(SigningKey.hmac("fleet", new byte[32], SigningAlgorithm.HS256));

  private Fleet() {}

  /** A node on {@code clock} sharing {@code list}, with a 60 s verification clock skew. */
  public static JwtTokenService node(Clock clock, RevocationList list, Duration fleetClockSkew) {
    return JwtTokenService.builder(KEYS, ISS, "api")
        .clock(clock)
        .revocationList(list)
        .fleetClockSkew(fleetClockSkew)
        .build();
  }
}
