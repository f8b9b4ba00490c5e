package dev.latchkey.core.internal;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.StoreUnavailableException;
import java.util.function.Supplier;

/**
 * The one rule for what a collaborator's exception becomes, written once for every module.
 *
 * <ul>
 *   <li>On a check (anything that answers an {@link AuthResult} or another outcome), any runtime
 *       exception from a store, a user directory, a resolver or a strategy becomes a refusal with
 *       {@link AuthResult.Reason#UNAVAILABLE}: nothing that could not be checked is ever accepted,
 *       and the client is told to retry (503), not that its credentials are wrong.
 *   <li>On a management operation (logout, revoke, list), a {@link StoreUnavailableException}
 *       propagates to the caller, and any other runtime exception from a collaborator is wrapped in
 *       one, so callers catch one type.
 * </ul>
 *
 * <p>Only the exception's class is logged: its message could echo attacker input or a secret.
 */
public final class FailClosed {
  private static final System.Logger LOG = System.getLogger(FailClosed.class.getName());
  private static final AuthResult.Failure UNAVAILABLE =
      AuthResult.failure(AuthResult.Reason.UNAVAILABLE, "authentication unavailable");

  private FailClosed() {}

  /** {@return the refusal every check answers when a collaborator failed} */
  public static AuthResult.Failure unavailable() {
    return UNAVAILABLE;
  }

  /**
   * {@return the refusal for {@code e}, thrown by {@code collaborator} during a check} Logs a
   * {@link StoreUnavailableException} at DEBUG (an outage is reported by the store itself) and any
   * other exception at ERROR, class names only.
   *
   * @param collaborator a short name of the component that threw, for the log line
   * @param e what it threw; only its class is logged
   */
  public static AuthResult.Failure onCheck(String collaborator, RuntimeException e) {
    if (e instanceof StoreUnavailableException) {
      LOG.log(System.Logger.Level.DEBUG, () -> collaborator + " unavailable");
    } else {
      LOG.log(
          System.Logger.Level.ERROR,
          () -> collaborator + " threw " + e.getClass().getName() + "; refused as unavailable");
    }
    return UNAVAILABLE;
  }

  /**
   * {@return the refusal when {@code collaborator} answered a check with {@code null}} No contract
   * allows that answer; it is logged at ERROR.
   *
   * @param collaborator a short name of the component that answered null, for the log line
   */
  public static AuthResult.Failure onNull(String collaborator) {
    LOG.log(System.Logger.Level.ERROR, () -> collaborator + " returned null; refused");
    return UNAVAILABLE;
  }

  /**
   * Runs a check step, answering its result, or {@link #onCheck}'s refusal when it throws a runtime
   * exception. {@code step} must not return null.
   *
   * @param collaborator a short name of the component {@code step} calls, for the log line
   * @param step the check to run
   * @return the step's result; the {@link #unavailable()} refusal when it threw a runtime exception
   *     or answered null
   */
  public static AuthResult check(String collaborator, Supplier<? extends AuthResult> step) {
    try {
      AuthResult result = step.get();
      return result != null ? result : onNull(collaborator);
    } catch (RuntimeException e) {
      return onCheck(collaborator, e);
    }
  }

  /**
   * Runs a management step: its value, or a {@link StoreUnavailableException} when it throws one or
   * any other runtime exception (wrapped, message naming only {@code collaborator} and the class).
   *
   * @param <T> the type of the step's value
   * @param collaborator a short name of the component {@code step} calls, for the log line and the
   *     exception message
   * @param step the management operation to run
   * @return the step's value
   * @throws StoreUnavailableException when {@code step} throws any runtime exception
   */
  public static <T> T manage(String collaborator, Supplier<T> step) {
    try {
      return step.get();
    } catch (StoreUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.ERROR,
          () -> collaborator + " threw " + e.getClass().getName() + "; reported as unavailable");
      throw new StoreUnavailableException(
          collaborator + " failed (" + e.getClass().getSimpleName() + ")", e);
    }
  }
}
