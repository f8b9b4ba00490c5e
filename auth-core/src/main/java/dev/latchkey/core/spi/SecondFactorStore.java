package dev.latchkey.core.spi;

import dev.latchkey.core.StoreUnavailableException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One TOTP second factor per subject: its sealed secret, whether it is active, the last time step
 * accepted, and the keyed hashes of its unused recovery codes. In memory ({@code auth-account}) or
 * in Redis ({@code auth-redis}).
 *
 * <p>The store never sees a usable secret: the service seals the TOTP secret (authenticated
 * encryption under an application key) before it gets here, and gives recovery codes only as keyed
 * hashes. What the store owns is atomicity: {@link #acceptStep} and {@link #consumeRecoveryCode}
 * are check-and-set steps, so of any number of concurrent presentations of one code, across
 * processes, exactly one is accepted.
 *
 * <p>Every method throws {@link StoreUnavailableException} when the backend cannot be reached.
 * Implementations must be safe for concurrent use.
 */
public interface SecondFactorStore {

  /**
   * What a store holds for one subject.
   *
   * @param sealedSecret the TOTP secret as the service sealed it; opaque to the store
   * @param active whether the factor was activated by a first correct code
   * @param lastStep the last time step accepted ({@code -1} before any)
   * @param recoveryCodesLeft how many recovery codes are still unused
   */
  record Factor(String sealedSecret, boolean active, long lastStep, int recoveryCodesLeft) {
    /**
     * Checks the parts.
     *
     * @param sealedSecret the sealed secret, not blank
     * @param active whether the factor is active
     * @param lastStep the last accepted step, at least {@code -1}
     * @param recoveryCodesLeft unused recovery codes, at least 0
     * @throws NullPointerException when {@code sealedSecret} is null
     * @throws IllegalArgumentException when a value is out of its range
     */
    public Factor {
      Objects.requireNonNull(sealedSecret, "sealedSecret");
      if (sealedSecret.isBlank()) {
        throw new IllegalArgumentException("sealedSecret cannot be blank");
      }
      if (lastStep < -1) {
        throw new IllegalArgumentException("lastStep must be at least -1: " + lastStep);
      }
      if (recoveryCodesLeft < 0) {
        throw new IllegalArgumentException(
            "recoveryCodesLeft cannot be negative: " + recoveryCodesLeft);
      }
    }

    @Override
    public String toString() {
      return "Factor[sealedSecret=<redacted>, active="
          + active
          + ", lastStep="
          + lastStep
          + ", recoveryCodesLeft="
          + recoveryCodesLeft
          + "]";
    }
  }

  /**
   * Starts an enrollment: stores {@code sealedSecret} as the subject's pending factor, replacing a
   * pending one, in one atomic step. A subject with an active factor keeps it untouched.
   *
   * @param subject whose factor
   * @param sealedSecret the sealed TOTP secret
   * @return true when stored; false when the subject has an active factor
   */
  boolean enroll(String subject, String sealedSecret);

  /**
   * {@return the subject's factor, pending or active; empty when there is none}
   *
   * @param subject whose factor
   */
  Optional<Factor> find(String subject);

  /**
   * Activates the pending factor whose sealed secret is {@code sealedSecret}, atomically: it
   * becomes active with {@code step} as its last accepted step and {@code recoveryCodeHashes} as
   * its recovery codes. A pending factor replaced meanwhile by another enrollment is not activated.
   *
   * @param subject whose factor
   * @param sealedSecret the sealed secret the first code was checked against
   * @param step the time step of that first code
   * @param recoveryCodeHashes the keyed hashes of the recovery codes
   * @return true when this call activated it; false when there is no such pending factor
   */
  boolean activate(String subject, String sealedSecret, long step, Set<String> recoveryCodeHashes);

  /**
   * Accepts time step {@code step} of the subject's active factor when it is later than the last
   * accepted one, in one atomic step: of concurrent calls with one step, exactly one is true.
   *
   * @param subject whose factor
   * @param step the time step of a code found correct
   * @return true when {@code step} is now the last accepted step; false when it is not later than
   *     that, or the subject has no active factor
   */
  boolean acceptStep(String subject, long step);

  /**
   * Consumes one recovery code of the subject's active factor, in one atomic step: of concurrent
   * calls with one code, exactly one is true.
   *
   * @param subject whose factor
   * @param codeHash the keyed hash of the code presented
   * @return true when the code was unused and is now used; false otherwise
   */
  boolean consumeRecoveryCode(String subject, String codeHash);

  /**
   * Replaces every recovery code of the subject's active factor.
   *
   * @param subject whose factor
   * @param recoveryCodeHashes the keyed hashes of the new codes
   * @return true when replaced; false when the subject has no active factor
   */
  boolean replaceRecoveryCodes(String subject, Set<String> recoveryCodeHashes);

  /**
   * Removes the subject's factor, pending or active, with its recovery codes.
   *
   * @param subject whose factor
   * @return whether there was one
   */
  boolean disable(String subject);
}
