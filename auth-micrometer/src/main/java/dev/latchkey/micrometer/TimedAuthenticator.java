package dev.latchkey.micrometer;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.Credentials;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * An {@link Authenticator} that records how long its delegate takes, in one of three timers chosen
 * by the outcome. Thread-safe when the delegate is.
 */
final class TimedAuthenticator<C extends Credentials> implements Authenticator<C> {
  private final Authenticator<C> delegate;
  private final Timer success;
  private final Timer failure;
  private final Timer error;
  private final Clock clock;

  TimedAuthenticator(
      Authenticator<C> delegate, Timer success, Timer failure, Timer error, Clock clock) {
    this.delegate = delegate;
    this.success = success;
    this.failure = failure;
    this.error = error;
    this.clock = clock;
  }

  @Override
  public Class<C> credentialType() {
    return delegate.credentialType();
  }

  @Override
  public AuthResult authenticate(C credentials) {
    long start = clock.monotonicTime();
    // Stays "error" when the delegate throws: a broken strategy must show in the timings too.
    Timer outcome = error;
    try {
      AuthResult result = delegate.authenticate(credentials);
      outcome = result != null && result.succeeded() ? success : failure;
      return result;
    } finally {
      outcome.record(clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public String toString() {
    return "TimedAuthenticator[" + delegate + "]";
  }
}
