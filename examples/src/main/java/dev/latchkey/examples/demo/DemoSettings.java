package dev.latchkey.examples.demo;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

/**
 * What the demo runs with, read from the environment by {@link #fromEnvironment}: {@code PORT}
 * (default 8080), {@code REDIS_URL} (unset: in-memory stores), {@code JWT_SECRET} (unset: one is
 * generated per process), {@code COOKIE_SECURE} ({@code true} when served over HTTPS) and {@code
 * DEMO_OUTBOX} ({@code true}: {@code GET /dev/outbox} lists the links the demo would have mailed),
 * {@code PASSKEY_ORIGIN} and {@code PASSKEY_RP_ID} (unset: {@code http://localhost:<port>} and
 * {@code localhost}).
 *
 * @param port the port to listen on, 0 for any free one
 * @param redisUrl the Redis URL, or {@code null} for in-memory stores
 * @param jwtSecret the shared HMAC secret (at least 32 bytes), or {@code null} to generate one
 * @param cookieSecure whether the demo is served over HTTPS: the session cookie is then {@code
 *     __Host-sid} with {@code Secure}, else {@code sid}
 * @param bcryptCost the bCrypt cost of the seeded users' hashes
 * @param clock the clock every component uses
 * @param demoOutbox whether {@code GET /dev/outbox} shows what would have been sent (never in
 *     production: it hands out every reset link)
 * @param passkeyOrigin the origin passkey ceremonies run on, or {@code null} for {@code
 *     http://localhost:<port>} (browsers treat {@code localhost} as a secure context; an IP address
 *     cannot be a WebAuthn RP ID)
 * @param passkeyRpId the passkey RP ID, or {@code null} for the host of the passkey origin
 */
public record DemoSettings(
    int port,
    String redisUrl,
    String jwtSecret,
    boolean cookieSecure,
    int bcryptCost,
    Clock clock,
    boolean demoOutbox,
    String passkeyOrigin,
    String passkeyRpId) {

  /** Settings with the passkey origin and RP ID derived from the port. */
  public DemoSettings(
      int port,
      String redisUrl,
      String jwtSecret,
      boolean cookieSecure,
      int bcryptCost,
      Clock clock,
      boolean demoOutbox) {
    this(port, redisUrl, jwtSecret, cookieSecure, bcryptCost, clock, demoOutbox, null, null);
  }

  /** Settings without the development outbox. */
  public DemoSettings(
      int port,
      String redisUrl,
      String jwtSecret,
      boolean cookieSecure,
      int bcryptCost,
      Clock clock) {
    this(port, redisUrl, jwtSecret, cookieSecure, bcryptCost, clock, false);
  }

  /**
   * Settings from {@code PORT}, {@code REDIS_URL}, {@code JWT_SECRET}, {@code COOKIE_SECURE},
   * {@code DEMO_OUTBOX}, {@code PASSKEY_ORIGIN}, {@code PASSKEY_RP_ID}.
   *
   * @throws IllegalArgumentException when {@code PORT} is not a port number
   */
  public static DemoSettings fromEnvironment(Map<String, String> env) {
    int port = 8080;
    String rawPort = env.get("PORT");
    if (rawPort != null && !rawPort.isBlank()) {
      try {
        port = Integer.parseInt(rawPort.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("PORT must be a number: " + rawPort);
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("PORT must be between 0 and 65535: " + port);
      }
    }
    String redisUrl = env.get("REDIS_URL");
    String secret = env.get("JWT_SECRET");
    return new DemoSettings(
        port,
        redisUrl == null || redisUrl.isBlank() ? null : redisUrl.trim(),
        secret == null || secret.isEmpty() ? null : secret,
        "true".equalsIgnoreCase(env.get("COOKIE_SECURE")),
        10,
        Clock.systemUTC(),
        "true".equalsIgnoreCase(env.get("DEMO_OUTBOX")),
        blankToNull(env.get("PASSKEY_ORIGIN")),
        blankToNull(env.get("PASSKEY_RP_ID")));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  /**
   * The HMAC secret's bytes: {@code JWT_SECRET}'s UTF-8, or 32 random bytes when it is not set.
   *
   * @throws IllegalArgumentException when {@code JWT_SECRET} is shorter than 32 bytes
   */
  byte[] secret() {
    byte[] secret;
    if (jwtSecret == null) {
      secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      System.out.println(
          "JWT_SECRET is not set: generated a random one for this process; tokens will not be"
              + " accepted by another process or after a restart.");
    } else {
      secret = jwtSecret.getBytes(StandardCharsets.UTF_8);
      if (secret.length < 32) {
        throw new IllegalArgumentException(
            "JWT_SECRET must be at least 32 bytes for HS256, got " + secret.length);
      }
    }
    return secret;
  }

  @Override
  public String toString() {
    return String.format(
        "DemoSettings[port=%d, store=%s, jwtSecret=%s, cookieSecure=%b, demoOutbox=%b]",
        port,
        redisUrl == null ? "memory" : "redis",
        jwtSecret == null ? "generated" : "<redacted>",
        cookieSecure,
        demoOutbox);
  }
}
