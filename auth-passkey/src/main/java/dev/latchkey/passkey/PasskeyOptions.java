package dev.latchkey.passkey;

import java.time.Instant;
import java.util.Objects;

/**
 * The options of a ceremony, to hand to the browser: {@code json} is WebAuthn's {@code
 * PublicKeyCredentialCreationOptionsJSON} for a registration and {@code
 * PublicKeyCredentialRequestOptionsJSON} for a login (binary fields in base64url), ready for {@code
 * PublicKeyCredential.parseCreationOptionsFromJSON} / {@code parseRequestOptionsFromJSON}. Its
 * challenge is accepted once, until {@code expiresAt}.
 *
 * @param json the options as JSON text
 * @param expiresAt when the challenge stops being accepted
 */
public record PasskeyOptions(String json, Instant expiresAt) {
  /**
   * Checks the parts.
   *
   * @param json the component of that name
   * @param expiresAt the component of that name
   * @throws NullPointerException when a part is null
   */
  public PasskeyOptions {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
