package dev.latchkey.core;

/**
 * Receives {@link AuthEvent}s, synchronously on the thread that caused them. A listener that throws
 * is ignored (the exception is logged without the event's contents); it cannot change an outcome.
 * Implementations must be safe for concurrent use and should return quickly.
 */
@FunctionalInterface
public interface AuthListener {
  /**
   * Receives one event. An exception thrown here does not change the outcome of the operation that
   * emitted the event.
   *
   * @param event what happened; never {@code null}
   */
  void onEvent(AuthEvent event);

  /** {@return a listener that does nothing} */
  static AuthListener none() {
    return event -> {};
  }

  /**
   * {@code delegate}, made unable to disturb the caller: an exception it throws is logged (its
   * class only, never the event or the message) and swallowed. Builders wrap listeners with this.
   *
   * @param delegate the listener to guard
   * @return a listener that forwards every event to {@code delegate} and never throws a {@link
   *     RuntimeException}
   * @throws NullPointerException if {@code delegate} is null
   */
  static AuthListener guarded(AuthListener delegate) {
    java.util.Objects.requireNonNull(delegate, "listener");
    return event -> {
      try {
        delegate.onEvent(event);
      } catch (RuntimeException e) {
        System.getLogger(AuthListener.class.getName())
            .log(
                System.Logger.Level.WARNING,
                "auth listener threw " + e.getClass().getName() + "; event ignored");
      }
    };
  }
}
