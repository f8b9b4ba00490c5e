package dev.latchkey.core;

/**
 * A store could not be reached or did not answer in time. Store SPIs throw it (and only it) for a
 * backend fault; strategies and managers turn it into {@link AuthResult.Reason#UNAVAILABLE}.
 *
 * <p>Messages name the operation, never a key, id or token.
 */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreUnavailableException(String message) {
    super(message);
  }
}
