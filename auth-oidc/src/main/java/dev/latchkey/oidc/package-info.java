/**
 * Sign in with an OpenID provider: {@link dev.latchkey.oidc.OidcLogin} runs the OpenID Connect
 * authorization code flow with PKCE, {@code state}, {@code nonce} and a browser-binding cookie, and
 * answers an {@link dev.latchkey.oidc.OidcOutcome}; a {@link dev.latchkey.oidc.SubjectMapper} turns
 * the provider's {@code iss} and {@code sub} into the application's principal. Pending logins wait
 * in a {@link dev.latchkey.core.spi.PendingLoginStore}: {@link
 * dev.latchkey.oidc.InMemoryPendingLoginStore} for one node, the Redis one of {@code auth-redis}
 * for a fleet. The protocol messages are Nimbus OAuth 2.0 SDK's; no Nimbus type is in the API.
 */
package dev.latchkey.oidc;
