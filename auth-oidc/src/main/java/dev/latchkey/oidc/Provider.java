package dev.latchkey.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTProcessor;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The provider as discovered: its metadata, read once from {@code
 * <issuer>/.well-known/openid-configuration} on first use (the issuer in it must be the configured
 * one), and the ID-token signature check over its published JWK Set. A failed discovery is tried
 * again at the earliest {@link #RETRY_AFTER} later, so a provider that is down costs one bounded
 * wait per interval rather than one per request. Safe for concurrent use.
 */
final class Provider {
  /** How long a failed discovery is remembered before the next request may try again. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  /** A JWK Set larger than this is not read: no provider publishes one near it. */
  private static final int MAX_JWK_SET_BYTES = 1 << 20;

  private final Issuer issuer;
  private final Set<JWSAlgorithm> algorithms;
  private final int connectMillis;
  private final int readMillis;
  private final Clock clock;
  private final Object lock = new Object();
  private Discovered discovered; // guarded by lock
  private Instant failedAt; // guarded by lock

  /** What discovery found, ready for the flow. */
  record Discovered(
      URI authorizationEndpoint,
      URI tokenEndpoint,
      URI userInfoEndpoint,
      boolean secretPost,
      JWTProcessor<SecurityContext> idTokens) {}

  /** The provider could not be reached, answered too slowly or answered no usable metadata. */
  static final class Unreachable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreachable(String message) {
      // The message names what failed, never a response body.
      super(message, null, false, false);
    }
  }

  Provider(URI issuer, Set<JWSAlgorithm> algorithms, Duration connect, Duration read, Clock clock) {
    this.issuer = new Issuer(issuer);
    this.algorithms = Set.copyOf(algorithms);
    this.connectMillis = Math.toIntExact(connect.toMillis());
    this.readMillis = Math.toIntExact(read.toMillis());
    this.clock = clock;
  }

  Issuer issuer() {
    return issuer;
  }

  /**
   * The discovered provider, fetching its metadata on the first call.
   *
   * @throws Unreachable when discovery fails now or failed less than {@link #RETRY_AFTER} ago
   */
  Discovered get() throws Unreachable {
    synchronized (lock) {
      if (discovered != null) {
        return discovered;
      }
      Instant now = clock.instant();
      if (failedAt != null && now.isBefore(failedAt.plus(RETRY_AFTER))) {
        throw new Unreachable("provider discovery failed moments ago");
      }
      try {
        discovered = discover();
        failedAt = null;
        return discovered;
      } catch (Unreachable e) {
        failedAt = now;
        throw e;
      }
    }
  }

  private Discovered discover() throws Unreachable {
    OIDCProviderMetadata metadata;
    try {
      metadata = OIDCProviderMetadata.resolve(issuer, connectMillis, readMillis);
    } catch (IOException | GeneralException | RuntimeException e) {
      throw new Unreachable("provider discovery failed: " + e.getClass().getSimpleName());
    }
    // Mix-up defence (OpenID Connect Discovery 1.0, section 4.3): the metadata must name the
    // issuer it was fetched for, exactly.
    if (!issuer.equals(metadata.getIssuer())) {
      throw new Unreachable("the provider's metadata names another issuer");
    }
    if (metadata.getAuthorizationEndpointURI() == null
        || metadata.getTokenEndpointURI() == null
        || metadata.getJWKSetURI() == null) {
      throw new Unreachable("the provider's metadata lacks an endpoint or its JWK Set");
    }
    JWKSource<SecurityContext> keys;
    try {
      keys =
          JWKSourceBuilder.<SecurityContext>create(
                  metadata.getJWKSetURI().toURL(),
                  new DefaultResourceRetriever(connectMillis, readMillis, MAX_JWK_SET_BYTES))
              .retrying(false)
              .build();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new Unreachable("the provider's JWK Set URL is not a URL");
    }
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    // Only the configured algorithms, only keys from the provider's own JWK Set: never a key or an
    // algorithm the token names for itself, never an unsigned token.
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
    // The claims are checked by IdTokenRules with the injected clock, not Nimbus's system time.
    processor.setJWTClaimsSetVerifier((claims, context) -> {});
    List<ClientAuthenticationMethod> methods = metadata.getTokenEndpointAuthMethods();
    // client_secret_basic is the default when the provider lists none (OpenID Connect Discovery
    // 1.0, token_endpoint_auth_methods_supported); post only when basic is not offered.
    boolean post =
        methods != null
            && !methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
            && methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST);
    return new Discovered(
        metadata.getAuthorizationEndpointURI(),
        metadata.getTokenEndpointURI(),
        metadata.getUserInfoEndpointURI(),
        post,
        processor);
  }

  @Override
  public String toString() {
    return "Provider[" + issuer + "]";
  }
}
