/**
 * Micrometer meters for Latchkey: {@code LatchkeyMetrics}, an {@code AuthListener} that counts
 * every outcome, and timers around any {@code Authenticator}.
 *
 * <p>Reading this module reads {@code dev.latchkey.core} and Micrometer's core too: their types
 * ({@code AuthListener}, {@code Authenticator}, {@code MeterRegistry}, {@code Tag}) appear in this
 * module's signatures. Micrometer's core jar has no module descriptor; it is required by its {@code
 * Automatic-Module-Name}, {@code micrometer.core}.
 */
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module dev.latchkey.micrometer {
  requires transitive dev.latchkey.core;
  requires transitive micrometer.core;

  exports dev.latchkey.micrometer;
}
