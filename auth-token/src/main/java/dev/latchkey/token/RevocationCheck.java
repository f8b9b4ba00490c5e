package dev.latchkey.token;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.internal.FailClosed;
import dev.latchkey.core.spi.RevocationList;

/**
 * The revocation step of verification: whether the {@link RevocationList} refuses a token that
 * passed every other check, by its ({@code iss}, {@code jti}), its subject's "log out everywhere"
 * cut-off or its refresh family. Fails closed: a list that cannot answer, or fails in any other
 * way, is an unchecked list, and the token is refused as UNAVAILABLE. Thread-safe when the list is.
 */
final class RevocationCheck {
  private final RevocationList list;

  RevocationCheck(RevocationList list) {
    this.list = list;
  }

  /**
   * Requires that the list does not refuse {@code claims}.
   *
   * @throws Refusal REVOKED for a revoked token; UNAVAILABLE (the fail-closed rule's failure) when
   *     the list throws
   */
  void require(VerifiedClaims claims) throws Refusal {
    boolean revoked;
    try {
      revoked =
          list.isRevoked(
              claims.issuer(),
              claims.tokenId(),
              claims.principal().subject(),
              claims.familyId(),
              claims.issuedAt());
    } catch (RuntimeException e) {
      // An unreachable or faulty list is an unchecked list: fail closed.
      throw Refusal.of(FailClosed.onCheck("revocation list", e));
    }
    if (revoked) {
      throw new Refusal(AuthResult.Reason.REVOKED, "token revoked");
    }
  }
}
