package dev.latchkey.token;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.TokenService;
import dev.latchkey.core.internal.FailClosed;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.RefreshTokenStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The logouts of {@link RefreshTokens}: end a family in the store, then refuse its access tokens
 * through the token service, after the store so that a rotation that beat the end started before
 * the revocation's clock read. Every part is attempted even when another fails, and any failure is
 * a store outage ({@link FailClosed#manage}): the first one is thrown, later ones suppressed in it.
 * Thread-safe.
 */
final class FamilyRevocation {
  private final TokenService accessTokens;
  private final RefreshTokenStore store;
  private final FamilyIssuer issuer;
  private final Clock clock;
  private final AuthListener listener;

  FamilyRevocation(
      TokenService accessTokens,
      RefreshTokenStore store,
      FamilyIssuer issuer,
      Clock clock,
      AuthListener listener) {
    this.accessTokens = accessTokens;
    this.store = store;
    this.issuer = issuer;
    this.clock = clock;
    this.listener = listener;
  }

  /** {@link RefreshTokens#logout}. */
  boolean logout(String rawRefreshToken) {
    Optional<HashedId> id = OpaqueIds.parse(rawRefreshToken);
    if (id.isEmpty()) {
      return false;
    }
    Optional<RefreshTokenStore.EndedFamily> ended =
        FailClosed.manage("refresh store", () -> store.revokeFamily(id.get()));
    if (ended.isEmpty()) {
      return false;
    }
    try {
      revokeFamilyAccess(ended.get().subject(), ended.get().familyId());
    } finally {
      listener.onEvent(
          new AuthEvent.LoggedOut(
              clock.instant(), ended.get().subject(), RefreshTokens.METHOD, false));
    }
    return true;
  }

  /** {@link RefreshTokens#logoutByAccessToken}. */
  boolean logoutByAccessToken(String accessToken) {
    Optional<TokenService.TokenFamily> family =
        FailClosed.manage("token service", () -> accessTokens.familyOf(accessToken));
    if (family.isEmpty()) {
      return false;
    }
    String subject = family.get().subject();
    RuntimeException failure = null;
    boolean ended = false;
    try {
      ended =
          FailClosed.manage(
              "refresh store", () -> store.revokeFamilyById(subject, family.get().familyId()));
    } catch (RuntimeException e) {
      failure = e;
    }
    try {
      revokeFamilyAccess(subject, family.get().familyId());
    } catch (RuntimeException e) {
      failure = suppress(failure, e);
    }
    listener.onEvent(
        new AuthEvent.LoggedOut(clock.instant(), subject, RefreshTokens.METHOD, false));
    if (failure != null) {
      throw failure;
    }
    return ended;
  }

  /** {@link RefreshTokens#logoutEverywhere}: the families first, then every access token. */
  int logoutEverywhere(String subject) {
    RuntimeException failure = null;
    List<String> ended = List.of();
    try {
      ended = FailClosed.manage("refresh store", () -> store.revokeSubject(subject));
    } catch (RuntimeException e) {
      failure = e;
    }
    for (String familyId : ended) {
      try {
        revokeFamilyAccess(subject, familyId);
      } catch (RuntimeException e) {
        failure = suppress(failure, e);
      }
    }
    try {
      FailClosed.manage(
          "token service",
          () -> {
            accessTokens.revokeAll(subject);
            return null;
          });
    } catch (RuntimeException e) {
      failure = suppress(failure, e);
    }
    listener.onEvent(new AuthEvent.LoggedOut(clock.instant(), subject, RefreshTokens.METHOD, true));
    if (failure != null) {
      throw failure;
    }
    return ended.size();
  }

  /**
   * {@link FamilyIssuer#revokeFamilyAccess} under the management rule: any failure is an outage.
   */
  private void revokeFamilyAccess(String subject, String familyId) {
    FailClosed.manage(
        "token service",
        () -> {
          issuer.revokeFamilyAccess(subject, familyId);
          return null;
        });
  }

  /**
   * {@return the failure to throw}: {@code first}, with {@code next} suppressed in it, or {@code
   * next} when there is no first
   */
  static RuntimeException suppress(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    if (next != first) { // a collaborator may throw one shared instance
      first.addSuppressed(next);
    }
    return first;
  }
}
