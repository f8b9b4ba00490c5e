package dev.latchkey.core;

import java.time.Instant;
import java.util.Optional;

/**
 * Counts failed logins per login name and per client address and locks a key that fails too often,
 * under a {@link ThrottlePolicy}. In memory ({@code auth-core}) or in Redis ({@code auth-redis},
 * shared by every node). The password strategy asks it before doing any bCrypt work.
 *
 * <p>Every method throws {@link StoreUnavailableException} when the backend cannot be reached;
 * the password strategy then refuses the login as UNAVAILABLE. Implementations must be safe for
 * concurrent use; counting is atomic.
 */
public interface LoginThrottle {

  /**
   * When the attempt may be made: empty if neither the name nor the address is locked now,
   * otherwise the later of their unlock times.
   *
   * @param clientAddress the client's address, or {@code null} when unknown
   */
  Optional<Instant> lockedUntil(String loginName, String clientAddress);

  /**
   * Counts a failure against the name and the address.
   *
   * @param clientAddress the client's address, or {@code null} when unknown
   * @return the unlock time if this failure locked the name or the address
   */
  Optional<Instant> recordFailure(String loginName, String clientAddress);

  /** Clears the name's failures; the address's count stays (one good password must not unlock a
   * scanning address). */
  void recordSuccess(String loginName);
}
