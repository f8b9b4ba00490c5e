package dev.latchkey.examples.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The example's settings, under {@code latchkey.*}.
 *
 * @param bcryptCost the bCrypt cost of the seeded users' password hashes (4 to 31; 4 in tests)
 * @param jwtSecret the HS256 secret, at least 32 bytes of UTF-8; empty (the default, unless the
 *     {@code JWT_SECRET} environment variable is set) for a random one per process, whose tokens no
 *     other process accepts
 * @param secureCookies whether the session cookie is {@code __Host-sid; Secure}; false by default
 *     so that the demo works on {@code http://localhost}. Set it true behind HTTPS.
 */
@ConfigurationProperties("latchkey")
public record LatchkeyProperties(
    @DefaultValue("10") int bcryptCost,
    @DefaultValue("") String jwtSecret,
    @DefaultValue("false") boolean secureCookies) {

  /** {@return the settings} with the secret redacted: Spring may log bound properties */
  @Override
  public String toString() {
    return "LatchkeyProperties[bcryptCost="
        + bcryptCost
        + ", jwtSecret="
        + (jwtSecret.isEmpty() ? "generated" : "<redacted>")
        + ", secureCookies="
        + secureCookies
        + "]";
  }
}
