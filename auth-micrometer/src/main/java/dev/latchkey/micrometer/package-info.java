/**
 * Micrometer meters for Latchkey. {@link dev.latchkey.micrometer.LatchkeyMetrics} is an {@link
 * dev.latchkey.core.AuthListener}: given to a service builder's {@code listener(...)}, it counts
 * logins, session checks, token verifications and refreshes by outcome and reason, throttle locks,
 * store outages, refresh-token reuse, revocations and logouts; its {@link
 * dev.latchkey.micrometer.LatchkeyMetrics#timed timed} wraps any {@link
 * dev.latchkey.core.Authenticator} in a timer. Every tag value comes from a fixed set: a subject, a
 * token, an address or a user agent never becomes a tag, so the number of time series is bounded
 * whatever clients send.
 */
package dev.latchkey.micrometer;
