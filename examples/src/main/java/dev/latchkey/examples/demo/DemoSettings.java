package dev.latchkey.examples.demo;

import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.TrustedIssuer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * What the demo runs with, read from the environment by {@link #fromEnvironment}: {@code PORT}
 * (default 8080), {@code REDIS_URL} (unset: in-memory stores), {@code JWT_SECRET} (unset: one is
 * generated per process), {@code COOKIE_SECURE} ({@code true} when served over HTTPS), {@code
 * DEMO_OUTBOX} ({@code true}: {@code GET /dev/outbox} lists the links the demo would have mailed),
 * {@code TRUSTED_ISSUERS} (a JSON array of {@code {"issuer", "jwks_uri", "audience"}}: {@code GET
 * /api-profile} also accepts those issuers' access tokens), and for a sign-in with an OpenID
 * provider {@code OIDC_ISSUER}, {@code OIDC_CLIENT_ID}, {@code OIDC_CLIENT_SECRET} and optionally
 * {@code OIDC_REDIRECT_URI}, and {@code PASSKEY_ORIGIN} and {@code PASSKEY_RP_ID} (unset: {@code
 * http://localhost:<port>} and {@code localhost}).
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
 * @param oidc the OpenID provider to sign in with, or {@code null} for none
 * @param trustedIssuers the issuers whose access tokens {@code GET /api-profile} accepts; empty for
 *     none
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
    Oidc oidc,
    List<TrustedIssuer> trustedIssuers,
    String passkeyOrigin,
    String passkeyRpId) {

  /** Copies the issuers, so the settings stay a value. */
  public DemoSettings {
    trustedIssuers = List.copyOf(trustedIssuers);
  }

  /**
   * A sign-in with an OpenID provider. {@code toString()} shows no secret.
   *
   * @param issuer the provider's issuer URL ({@code OIDC_ISSUER})
   * @param clientId the demo's client id there ({@code OIDC_CLIENT_ID})
   * @param clientSecret its client secret ({@code OIDC_CLIENT_SECRET})
   * @param redirectUri the callback URL registered with the provider ({@code OIDC_REDIRECT_URI}),
   *     or {@code null} for {@code http://127.0.0.1:<port>/oidc/callback}
   */
  public record Oidc(String issuer, String clientId, String clientSecret, String redirectUri) {
    @Override
    public String toString() {
      return "Oidc[issuer=" + issuer + ", clientId=" + clientId + ", clientSecret=<redacted>]";
    }
  }

  /** Settings with a sign-in with an OpenID provider and trusted issuers, passkeys on the port. */
  public DemoSettings(
      int port,
      String redisUrl,
      String jwtSecret,
      boolean cookieSecure,
      int bcryptCost,
      Clock clock,
      boolean demoOutbox,
      Oidc oidc,
      List<TrustedIssuer> trustedIssuers) {
    this(
        port,
        redisUrl,
        jwtSecret,
        cookieSecure,
        bcryptCost,
        clock,
        demoOutbox,
        oidc,
        trustedIssuers,
        null,
        null);
  }

  /** Settings with a passkey origin and RP ID, without OpenID sign-in or trusted issuers. */
  public DemoSettings(
      int port,
      String redisUrl,
      String jwtSecret,
      boolean cookieSecure,
      int bcryptCost,
      Clock clock,
      boolean demoOutbox,
      String passkeyOrigin,
      String passkeyRpId) {
    this(
        port,
        redisUrl,
        jwtSecret,
        cookieSecure,
        bcryptCost,
        clock,
        demoOutbox,
        null,
        List.of(),
        passkeyOrigin,
        passkeyRpId);
  }

  /** Settings with none of the optional sign-ins, passkeys on the port. */
  public DemoSettings(
      int port,
      String redisUrl,
      String jwtSecret,
      boolean cookieSecure,
      int bcryptCost,
      Clock clock,
      boolean demoOutbox) {
    this(port, redisUrl, jwtSecret, cookieSecure, bcryptCost, clock, demoOutbox, null, List.of());
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
   * {@code DEMO_OUTBOX}, {@code OIDC_ISSUER}, {@code OIDC_CLIENT_ID}, {@code OIDC_CLIENT_SECRET},
   * {@code OIDC_REDIRECT_URI}, {@code TRUSTED_ISSUERS}, {@code PASSKEY_ORIGIN}, {@code
   * PASSKEY_RP_ID}. An entry of {@code TRUSTED_ISSUERS} may also name {@code "algorithms"} (default
   * {@code ["RS256", "ES256", "ES384", "ES512", "EdDSA"]}: one RSA algorithm, so that an RSA key
   * published without {@code alg} is still usable), {@code "token_type"} (default {@code
   * "at+jwt,JWT"}: many providers type their access tokens {@code JWT}) and {@code "scope_claim"}
   * (default {@code "scope"}).
   *
   * @throws IllegalArgumentException when {@code PORT} is not a port number, {@code OIDC_ISSUER} is
   *     set without {@code OIDC_CLIENT_ID} and {@code OIDC_CLIENT_SECRET}, or {@code
   *     TRUSTED_ISSUERS} is not such an array (the message says which entry and member)
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
    String issuers = env.get("TRUSTED_ISSUERS");
    List<TrustedIssuer> trusted =
        issuers == null || issuers.isBlank() ? List.of() : trustedIssuers(issuers);
    return new DemoSettings(
        port,
        redisUrl == null || redisUrl.isBlank() ? null : redisUrl.trim(),
        secret == null || secret.isEmpty() ? null : secret,
        "true".equalsIgnoreCase(env.get("COOKIE_SECURE")),
        10,
        Clock.systemUTC(),
        "true".equalsIgnoreCase(env.get("DEMO_OUTBOX")),
        oidc(env),
        trusted,
        blankToNull(env.get("PASSKEY_ORIGIN")),
        blankToNull(env.get("PASSKEY_RP_ID")));
  }

  /** {@code TRUSTED_ISSUERS}, with the demo's defaults for what an entry leaves out. */
  private static List<TrustedIssuer> trustedIssuers(String json) {
    try {
      return TrustedIssuer.listFromJson(
          json,
          b ->
              b.tokenType(TrustedIssuer.TokenType.ACCESS_TOKEN_OR_JWT)
                  .algorithms(
                      SigningAlgorithm.RS256,
                      SigningAlgorithm.ES256,
                      SigningAlgorithm.ES384,
                      SigningAlgorithm.ES512,
                      SigningAlgorithm.EDDSA));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("TRUSTED_ISSUERS: " + e.getMessage());
    }
  }

  private static Oidc oidc(Map<String, String> env) {
    String issuer = blankToNull(env.get("OIDC_ISSUER"));
    if (issuer == null) {
      return null;
    }
    String clientId = blankToNull(env.get("OIDC_CLIENT_ID"));
    String secret = blankToNull(env.get("OIDC_CLIENT_SECRET"));
    if (clientId == null || secret == null) {
      throw new IllegalArgumentException(
          "OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET as well");
    }
    return new Oidc(issuer, clientId, secret, blankToNull(env.get("OIDC_REDIRECT_URI")));
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
        "DemoSettings[port=%d, store=%s, jwtSecret=%s, cookieSecure=%b, demoOutbox=%b, oidc=%s,"
            + " trustedIssuers=%s]",
        port,
        redisUrl == null ? "memory" : "redis",
        jwtSecret == null ? "generated" : "<redacted>",
        cookieSecure,
        demoOutbox,
        oidc == null ? "off" : oidc.issuer(),
        trustedIssuers.stream().map(TrustedIssuer::issuer).toList());
  }
}
