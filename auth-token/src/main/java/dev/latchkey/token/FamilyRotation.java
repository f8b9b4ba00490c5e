package dev.latchkey.token;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.core.PrincipalResolver;
import dev.latchkey.core.internal.FailClosed;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.RefreshRecord;
import dev.latchkey.core.spi.RefreshTokenStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * One refresh of {@link RefreshTokens#refresh}: the store rotates the token presented (it alone
 * decides, on its own clock, which of concurrent presentations wins and which is reuse), and this
 * answers the store's verdict: a new pair for the winner, the end of the family for reuse or for a
 * subject the resolver no longer knows, a refusal otherwise. Thread-safe.
 */
final class FamilyRotation {
  private final RefreshTokenStore store;
  private final FamilyIssuer issuer;
  private final Clock clock;
  private final AuthListener listener;
  private final PrincipalResolver resolver; // null: the principal of the login

  FamilyRotation(
      RefreshTokenStore store,
      FamilyIssuer issuer,
      Clock clock,
      AuthListener listener,
      PrincipalResolver resolver) {
    this.store = store;
    this.issuer = issuer;
    this.clock = clock;
    this.listener = listener;
    this.resolver = resolver;
  }

  /**
   * Rotates {@code presented} and answers the outcome; an exception of the store, the token service
   * or the resolver propagates, for {@link RefreshTokens#refresh}'s fail-closed rule.
   */
  RefreshTokens.Result rotate(HashedId presented) {
    // This node's clock bounds how late the access token is minted (see RefreshTokens); the store
    // decides everything else on its own clock.
    Instant started = clock.instant();
    // The successor keeps the shard: a clustered store keeps a family in one slot.
    String successorRaw = OpaqueIds.generateInShard(presented.shard());
    HashedId successorId = OpaqueIds.parse(successorRaw).orElseThrow();
    // No time is passed: the store decides expiry, grace and rate on its own clock.
    RefreshTokenStore.Rotation rotation = store.rotate(presented, successorId, issuer.policy());
    if (rotation instanceof RefreshTokenStore.Rotation.Rotated r) {
      RefreshRecord successor = r.successor();
      Principal principal = successor.principal();
      if (resolver != null) {
        Optional<Principal> current = resolve(principal.subject());
        if (current.isEmpty()) {
          return endFamily(
              principal.subject(), successor.familyId(), "subject may no longer sign in");
        }
        principal = current.get();
      }
      RefreshTokens.TokenPair pair =
          issuer.mint(principal, successor.familyId(), successorRaw, successor.expiresAt());
      if (issuer.tookTooLong(started)) {
        // Its access token could outlive a family revocation made meanwhile: hand out nothing.
        return RefreshTokens.Result.refused(
            AuthResult.failure(AuthResult.Reason.UNAVAILABLE, "refresh took too long"));
      }
      listener.onEvent(
          new AuthEvent.Succeeded(clock.instant(), principal.subject(), RefreshTokens.METHOD));
      return RefreshTokens.Result.refreshed(pair);
    }
    if (rotation instanceof RefreshTokenStore.Rotation.Reused reused) {
      listener.onEvent(
          new AuthEvent.Revoked(clock.instant(), reused.subject(), "refresh token reuse"));
      return revokeFamilyAccessAfterEnd(
          reused.subject(), reused.familyId(), "refresh token reused: family ended");
    }
    if (rotation instanceof RefreshTokenStore.Rotation.Limited limited) {
      return RefreshTokens.Result.refused(
          new AuthResult.Failure(
              AuthResult.Reason.LOCKED,
              "too many refreshes: try again later",
              Optional.of(limited.retryAt())));
    }
    return RefreshTokens.Result.refused(
        AuthResult.failure(AuthResult.Reason.INVALID_CREDENTIALS, "refresh token not valid"));
  }

  /**
   * The resolver's principal for {@code subject}; an exception, or a principal of another subject
   * (a resolver bug that must not hand one user another's token), propagates to {@link
   * RefreshTokens#refresh}'s fail-closed rule.
   */
  private Optional<Principal> resolve(String subject) {
    Optional<Principal> current = resolver.resolve(subject);
    if (current == null) {
      throw new IllegalStateException("principal resolver answered null");
    }
    if (current.isPresent() && !current.get().subject().equals(subject)) {
      throw new IllegalStateException("principal resolver answered another subject");
    }
    return current;
  }

  /**
   * Ends a family whose subject may no longer sign in: the successor just stored is never handed
   * out, and the family's access tokens are refused.
   */
  private RefreshTokens.Result endFamily(String subject, String familyId, String why) {
    listener.onEvent(new AuthEvent.Revoked(clock.instant(), subject, why));
    try {
      store.revokeFamilyById(subject, familyId);
    } catch (RuntimeException e) {
      // The successor is never handed out, so the family cannot rotate again: its next
      // presentation is reuse, which ends it.
      FailClosed.onCheck("refresh store", e);
    }
    return revokeFamilyAccessAfterEnd(subject, familyId, why + ": family ended");
  }

  /** Refuses an ended family's access tokens; the refusal is REVOKED even when that fails. */
  private RefreshTokens.Result revokeFamilyAccessAfterEnd(
      String subject, String familyId, String detail) {
    try {
      issuer.revokeFamilyAccess(subject, familyId);
    } catch (RuntimeException e) {
      FailClosed.onCheck("token service", e);
      return RefreshTokens.Result.refused(
          AuthResult.failure(
              AuthResult.Reason.REVOKED, detail + ", its access tokens could not be revoked"));
    }
    return RefreshTokens.Result.refused(AuthResult.failure(AuthResult.Reason.REVOKED, detail));
  }
}
