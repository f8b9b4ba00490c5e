package dev.latchkey.redis;

import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import java.time.Clock;
import java.time.Duration;

/** Nodes of a test fleet: token services with one shared key, each on its own clock. */
final class FleetNodes {
  /** The issuer of every node, as the revocation list contract expects. */
  static final String ISS = "https://issuer.example";

  private static final KeyRing KEYS =
      KeyRing.of(SigningKey.hmac("fleet", new byte[32], SigningAlgorithm.HS256));

  private FleetNodes() {}

  /** A node on {@code clock} sharing {@code list}, with a 60 s verification clock skew. */
  static JwtTokenService node(Clock clock, RevocationList list, Duration fleetClockSkew) {
    return JwtTokenService.builder(KEYS, ISS, "api")
        .clock(clock)
        .revocationList(list)
        .fleetClockSkew(fleetClockSkew)
        .build();
  }
}
