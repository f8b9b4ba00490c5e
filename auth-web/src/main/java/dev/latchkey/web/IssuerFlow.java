package dev.latchkey.web;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.BearerToken;
import dev.latchkey.token.IssuerVerifier;

/**
 * Bearer tokens of other issuers ({@link WebAuth.Builder#trustedIssuers}), on the routes that ask
 * for them: chosen by the {@code iss} the token claims, verified by the {@link IssuerVerifier}
 * alone, and refused as the web layer refuses every bearer (401 {@code invalid_token}, 503 when the
 * issuer's keys cannot be had). Loaded only when configured, so {@code auth-token} need not be
 * present otherwise.
 */
final class IssuerFlow {
  private final IssuerVerifier verifier;
  private final Authenticator<BearerToken> strategy;
  private final Answers answers;
  private final String challenge;

  IssuerFlow(IssuerVerifier verifier, Answers answers, String realm) {
    this.verifier = verifier;
    this.strategy = verifier.authenticator();
    this.answers = answers;
    this.challenge = "Bearer realm=\"" + realm + "\"";
  }

  /** Whether {@code token} claims one of the trusted issuers, so that this flow decides it. */
  boolean claims(BearerToken token) {
    return verifier.claimsTrustedIssuer(token.value());
  }

  AccessDecision check(BearerToken token) {
    AuthResult result = strategy.authenticate(token);
    return result.fold(
        principal -> AccessDecision.allowed(principal, AccessDecision.Via.ISSUER),
        failure ->
            AccessDecision.refused(
                failure.reason() == AuthResult.Reason.UNAVAILABLE
                    ? answers.unavailable()
                    : Answers.error(401, "invalid token")
                        .withHeader("WWW-Authenticate", challenge + ", error=\"invalid_token\"")));
  }
}
