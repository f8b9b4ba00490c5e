package dev.latchkey.web;

import dev.latchkey.core.AuthResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The refusals every route shares, written once: a JSON body {@code {"error": "..."}} whose message
 * says what to do and never echoes the request, {@code Retry-After} on every 429 and 503.
 */
final class Answers {
  private final Clock clock;
  private final long unavailableRetrySeconds;

  Answers(Clock clock, Duration unavailableRetry) {
    this.clock = clock;
    this.unavailableRetrySeconds = Math.max(1, unavailableRetry.toSeconds());
  }

  static WebResponse error(int status, String message) {
    return WebResponse.json(status, Map.of("error", message));
  }

  /** 503: a store could not be reached, so nothing was decided (fail closed). */
  WebResponse unavailable() {
    return error(503, "unavailable")
        .withHeader("Retry-After", Long.toString(unavailableRetrySeconds));
  }

  /** 429 with the seconds until {@code failure}'s {@code retryAt} (at least one). */
  WebResponse locked(AuthResult.Failure failure, String message) {
    Instant now = clock.instant();
    Instant at = failure.retryAt().orElse(now);
    long seconds = Math.max(1, (Duration.between(now, at).toMillis() + 999) / 1000);
    return error(429, message).withHeader("Retry-After", Long.toString(seconds));
  }

  static WebResponse crossSite() {
    return error(403, "cross-site request refused");
  }

  static WebResponse csrf() {
    return error(403, "missing or invalid CSRF token");
  }

  static WebResponse notAllowed(String allowed) {
    return error(405, "method not allowed").withHeader("Allow", allowed);
  }
}
