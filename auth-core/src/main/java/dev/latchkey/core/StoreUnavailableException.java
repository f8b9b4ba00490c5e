package dev.latchkey.core;

/**
 * A store could not be reached or did not answer in time. Store SPIs throw it (and only it) for a
 * backend fault; strategies and managers turn it into {@link AuthResult.Reason#UNAVAILABLE}.
 *
 * <p>Messages name the operation, never a key, id or token.
 */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Reports a backend fault.
   *
   * @param message the operation that failed, without any key, id or token
   * @param cause the backend's exception, kept for diagnosis
   */
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Reports a backend fault without an underlying exception (a timeout, an unexpected reply).
   *
   * @param message the operation that failed, without any key, id or token
   */
  public StoreUnavailableException(String message) {
    super(message);
  }
}
