/**
 * Latchkey's sign-in with an OpenID provider ({@code dev.latchkey.oidc}): the OpenID Connect
 * authorization code flow with PKCE, ending in a Latchkey principal. The protocol messages are
 * Nimbus OAuth 2.0 SDK with OpenID Connect extensions, which brings Nimbus JOSE+JWT; neither
 * appears in this module's API.
 *
 * <p>The SDK's jar has neither a module descriptor nor an {@code Automatic-Module-Name}, so it is
 * required by the name the JDK derives from its file name, {@code oauth2-oidc-sdk-<version>.jar}:
 * {@code oauth2.oidc.sdk}. A build that renames the jar must keep that prefix.
 */
@SuppressWarnings({"module", "requires-automatic"})
module dev.latchkey.oidc {
  requires transitive dev.latchkey.core;
  requires oauth2.oidc.sdk;
  requires com.nimbusds.jose.jwt;

  exports dev.latchkey.oidc;
}
