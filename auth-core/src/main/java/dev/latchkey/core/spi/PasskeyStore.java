package dev.latchkey.core.spi;

import dev.latchkey.core.StoreUnavailableException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The passkeys of every user and the ceremonies in progress. In memory ({@code auth-passkey}) or in
 * Redis ({@code auth-redis}); no WebAuthn library is needed to implement it: it stores what the
 * passkey service verified, as strings and numbers.
 *
 * <p>What the store owns is atomicity. {@link #takeChallenge} hands a challenge out once: of any
 * number of concurrent calls with one hash, across processes, at most one gets it. {@link
 * #updateUse} is a compare-and-set on the sign counter: of concurrent assertions that read the same
 * counter, at most one is recorded. {@link #create} claims a credential id once, for one subject.
 *
 * <p>Every method throws {@link StoreUnavailableException} when the backend cannot be reached.
 * Implementations must be safe for concurrent use.
 */
public interface PasskeyStore {

  /**
   * Keeps {@code challenge} under {@code hash} until its {@code expiresAt}.
   *
   * @param hash base64url SHA-256 of the challenge bytes
   * @param challenge the ceremony it belongs to
   * @return true when kept; false when the store holds too many ceremonies in progress to take one
   *     more (a flood), so the caller refuses this one
   */
  boolean putChallenge(String hash, PasskeyChallenge challenge);

  /**
   * Removes and returns the challenge kept under {@code hash}, in one atomic step; an expired one
   * is removed and not returned.
   *
   * @param hash base64url SHA-256 of the challenge bytes the client signed
   * @param now the time to judge expiry by
   * @return the challenge, at most once; empty when unknown, already taken or expired
   */
  Optional<PasskeyChallenge> takeChallenge(String hash, Instant now);

  /**
   * Stores a new passkey, unless its credential id is held already (by anyone) or its subject has
   * {@code maxPerSubject} passkeys.
   *
   * @param passkey the passkey
   * @param maxPerSubject how many passkeys one subject may hold, at least 1
   * @return true when stored
   * @throws IllegalArgumentException when {@code maxPerSubject} is below 1
   */
  boolean create(PasskeyRecord passkey, int maxPerSubject);

  /**
   * {@return the passkey with credential id {@code credentialId}, whoever's it is}; empty when
   * there is none or the text is no credential id.
   *
   * @param credentialId base64url credential id
   */
  Optional<PasskeyRecord> find(String credentialId);

  /**
   * {@return the subject's passkeys, oldest first}
   *
   * @param subject whose passkeys
   */
  List<PasskeyRecord> list(String subject);

  /**
   * Records a use of a passkey when its stored counter is still {@code expectedCount}, in one
   * atomic step: sets the counter to {@code newCount} and the last use to {@code usedAt}.
   *
   * @param credentialId the passkey
   * @param expectedCount the counter the caller verified against
   * @param newCount the counter of the assertion accepted
   * @param usedAt when
   * @return true when recorded; false when the passkey is gone or its counter moved meanwhile
   */
  boolean updateUse(String credentialId, long expectedCount, long newCount, Instant usedAt);

  /**
   * Renames one of the subject's passkeys.
   *
   * @param subject the owner
   * @param credentialId the passkey
   * @param name the new name (a valid {@link PasskeyRecord#name()})
   * @return true when renamed; false when the subject holds no such passkey (another's included)
   */
  boolean rename(String subject, String credentialId, String name);

  /**
   * Removes one of the subject's passkeys; it logs no one in from then on.
   *
   * @param subject the owner
   * @param credentialId the passkey
   * @return true when removed; false when the subject holds no such passkey (another's included)
   */
  boolean delete(String subject, String credentialId);
}
