package dev.latchkey.token;

import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TokenService;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.RefreshRecord;
import dev.latchkey.core.spi.RefreshTokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Issues what {@link RefreshTokens} hands out: a new family at login, and the pair of every
 * successful login or rotation, within {@code maxIssueDelay} of its start by this node's clock.
 * That bound is what lets a family's revocation cover every access token it can still mint: {@link
 * #revokeFamilyAccess} refuses the family's tokens issued up to {@code maxIssueDelay} past its own
 * clock read. Thread-safe.
 */
final class FamilyIssuer {
  private final TokenService accessTokens;
  private final RefreshTokenStore store;
  private final RefreshTokenStore.Policy policy;
  private final Duration maxIssueDelay;
  private final Clock clock;

  FamilyIssuer(
      TokenService accessTokens,
      RefreshTokenStore store,
      RefreshTokenStore.Policy policy,
      Duration maxIssueDelay,
      Clock clock) {
    this.accessTokens = accessTokens;
    this.store = store;
    this.policy = policy;
    this.maxIssueDelay = maxIssueDelay;
    this.clock = clock;
  }

  /** The limits the store applies to every family. */
  RefreshTokenStore.Policy policy() {
    return policy;
  }

  /** The longest a login or refresh may take from its start to its access token being minted. */
  Duration maxIssueDelay() {
    return maxIssueDelay;
  }

  /**
   * Starts a family for {@code principal}: a fresh refresh token, in the shard the store chooses
   * for the subject, and the family's first access token.
   *
   * @throws StoreUnavailableException when the store fails, or the login took longer than {@code
   *     maxIssueDelay}: its access token could outlive a revocation of the family made meanwhile
   */
  RefreshTokens.TokenPair login(Principal principal) {
    Instant started = clock.instant();
    String raw = OpaqueIds.generateInShard(store.shardFor(principal.subject()));
    HashedId id = OpaqueIds.parse(raw).orElseThrow();
    RefreshRecord record = store.create(id, OpaqueIds.randomToken(), principal, policy);
    RefreshTokens.TokenPair pair = mint(principal, record.familyId(), raw, record.expiresAt());
    if (tookTooLong(started)) {
      throw new StoreUnavailableException("login took longer than maxIssueDelay");
    }
    return pair;
  }

  /** Mints an access token of the family for {@code principal}, paired with the refresh token. */
  RefreshTokens.TokenPair mint(
      Principal principal, String familyId, String refreshRaw, Instant refreshExpiresAt) {
    TokenService.IssuedToken access = accessTokens.issue(principal, familyId, Map.of());
    return new RefreshTokens.TokenPair(
        access.value(), access.expiresAt(), refreshRaw, refreshExpiresAt);
  }

  /**
   * Whether more than {@code maxIssueDelay} has passed on this node's clock since {@code started}.
   */
  boolean tookTooLong(Instant started) {
    return clock.millis() - started.toEpochMilli() > maxIssueDelay.toMillis();
  }

  /**
   * Refuses the family's access tokens, including any a rotation that beat the family's end may
   * still mint: those are minted within {@code maxIssueDelay} of a start before this clock read.
   */
  void revokeFamilyAccess(String subject, String familyId) {
    accessTokens.revokeFamily(subject, familyId, clock.instant().plus(maxIssueDelay));
  }
}
