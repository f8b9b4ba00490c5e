package dev.latchkey.oidc;

import dev.latchkey.core.Principal;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a provider's user to the application's: from the verified ID token's {@code iss} and {@code
 * sub} (the only stable, unique pair an OpenID provider promises; an email address is neither) and
 * its claims, to a {@link Principal}, or empty when the application has no account for that user
 * (refused with {@link OidcOutcome.Problem#NOT_LINKED}).
 *
 * <p>Called only after every check of the ID token passed. Implementations must be safe for
 * concurrent use; one that throws {@link dev.latchkey.core.StoreUnavailableException} makes the
 * login {@link OidcOutcome.Problem#UNAVAILABLE}.
 */
@FunctionalInterface
public interface SubjectMapper {

  /**
   * {@return the application's principal for this provider user, or empty when there is none}
   *
   * @param issuer the provider's issuer identifier, exactly as configured and verified
   * @param subject the provider's {@code sub}
   * @param claims every claim of the verified ID token (and of userinfo when it was asked), as
   *     plain Java values; read only
   */
  Optional<Principal> map(String issuer, String subject, Map<String, Object> claims);

  /**
   * {@return the default mapping}: every provider user is a principal without roles whose subject
   * is {@code <issuer>#<sub>}. An issuer has no fragment, so the first {@code #} separates the two,
   * and the same {@code sub} at two providers names two users.
   */
  static SubjectMapper issuerQualified() {
    return (issuer, subject, claims) -> Optional.of(Principal.of(issuer + "#" + subject));
  }
}
