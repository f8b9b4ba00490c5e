package dev.latchkey.core;

import dev.latchkey.core.internal.FailClosed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dispatches any {@link Credentials} to the {@link Authenticator} registered for their type.
 *
 * <pre>{@code
 * AuthenticatorChain chain = AuthenticatorChain.builder()
 *     .add(passwordAuthenticator)
 *     .add(sessionAuthenticator)
 *     .build();
 * AuthResult result = chain.authenticate(credentials);
 * }</pre>
 *
 * <p>Dispatch is by the exact class of the credentials first; when no strategy is registered for
 * that class, by the most specific registered supertype (class or interface) of it. The chain
 * answers, and never throws:
 *
 * <ul>
 *   <li>{@link AuthResult.Reason#MALFORMED} for {@code null} credentials;
 *   <li>{@link AuthResult.Reason#UNSUPPORTED} when no registered type matches, or when two
 *       unrelated registered types match equally well (ambiguous: the chain refuses to guess);
 *   <li>{@link AuthResult.Reason#UNAVAILABLE} when the strategy throws {@link
 *       StoreUnavailableException}, throws any other {@link RuntimeException} or returns {@code
 *       null}: the chain fails closed, as every check in Latchkey does. Only the exception's class
 *       name is logged, never its message, which could hold input.
 * </ul>
 *
 * <p>Immutable and safe for concurrent use.
 */
public final class AuthenticatorChain {
  private static final System.Logger LOG = System.getLogger(AuthenticatorChain.class.getName());

  private final Map<Class<?>, Authenticator<?>> byType;

  /** Resolution per concrete class, so the supertype walk happens once per class. */
  private final ConcurrentHashMap<Class<?>, Optional<Authenticator<?>>> resolved =
      new ConcurrentHashMap<>();

  private AuthenticatorChain(Map<Class<?>, Authenticator<?>> byType) {
    this.byType = Map.copyOf(byType);
  }

  /** {@return a builder with no strategies yet} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks {@code credentials} with the strategy registered for their type.
   *
   * @param credentials what the client presented; {@code null} is refused as {@link
   *     AuthResult.Reason#MALFORMED}
   * @return the strategy's answer, or a failure as described in the class documentation; never
   *     {@code null}
   */
  public AuthResult authenticate(Credentials credentials) {
    if (credentials == null) {
      return AuthResult.failure(AuthResult.Reason.MALFORMED, "no credentials");
    }
    Optional<Authenticator<?>> authenticator =
        resolved.computeIfAbsent(credentials.getClass(), this::resolve);
    if (authenticator.isEmpty()) {
      return AuthResult.failure(
          AuthResult.Reason.UNSUPPORTED, "no authenticator for these credentials");
    }
    Authenticator<?> strategy = authenticator.get();
    AuthResult result;
    try {
      result = invoke(strategy, credentials);
    } catch (RuntimeException e) {
      return FailClosed.onCheck(describe(strategy), e);
    }
    return result != null ? result : FailClosed.onNull(describe(strategy));
  }

  private static String describe(Authenticator<?> strategy) {
    return "authenticator " + strategy.getClass().getName();
  }

  /** {@return the credentials types this chain dispatches, in no particular order} */
  public java.util.Set<Class<?>> supportedTypes() {
    return byType.keySet();
  }

  private static <C extends Credentials> AuthResult invoke(
      Authenticator<C> authenticator, Credentials credentials) {
    return authenticator.authenticate(authenticator.credentialType().cast(credentials));
  }

  private Optional<Authenticator<?>> resolve(Class<?> type) {
    Authenticator<?> exact = byType.get(type);
    if (exact != null) {
      return Optional.of(exact);
    }
    List<Class<?>> candidates = new ArrayList<>();
    for (Class<?> registered : byType.keySet()) {
      if (registered.isAssignableFrom(type)) {
        candidates.add(registered);
      }
    }
    // The most specific candidates are those no other candidate is a subtype of.
    List<Class<?>> mostSpecific = new ArrayList<>();
    for (Class<?> candidate : candidates) {
      boolean hasMoreSpecific = false;
      for (Class<?> other : candidates) {
        if (other != candidate && candidate.isAssignableFrom(other)) {
          hasMoreSpecific = true;
          break;
        }
      }
      if (!hasMoreSpecific) {
        mostSpecific.add(candidate);
      }
    }
    if (mostSpecific.size() != 1) {
      if (mostSpecific.size() > 1) {
        LOG.log(
            System.Logger.Level.WARNING,
            "credentials type " + type.getName() + " matches several authenticators; refused");
      }
      return Optional.empty();
    }
    return Optional.of(byType.get(mostSpecific.get(0)));
  }

  @Override
  public String toString() {
    return "AuthenticatorChain" + byType.keySet();
  }

  /** Collects strategies; not safe for concurrent use. */
  public static final class Builder {
    private final List<Authenticator<?>> authenticators = new ArrayList<>();

    private Builder() {}

    /**
     * Registers a strategy for its {@link Authenticator#credentialType()}.
     *
     * @param authenticator the strategy that checks credentials of its type and their subtypes
     * @return this builder
     * @throws NullPointerException if {@code authenticator} or its credentials type is null
     */
    public Builder add(Authenticator<?> authenticator) {
      Objects.requireNonNull(authenticator, "authenticator");
      Objects.requireNonNull(
          authenticator.credentialType(),
          () -> "credentialType() of " + authenticator.getClass().getName());
      authenticators.add(authenticator);
      return this;
    }

    /**
     * {@return the chain of the strategies added}
     *
     * @throws IllegalArgumentException if two strategies are registered for one credentials type
     * @throws IllegalStateException if no strategy was added
     */
    public AuthenticatorChain build() {
      if (authenticators.isEmpty()) {
        throw new IllegalStateException("add at least one authenticator before build()");
      }
      Map<Class<?>, Authenticator<?>> byType = new LinkedHashMap<>();
      for (Authenticator<?> authenticator : authenticators) {
        Authenticator<?> previous =
            byType.putIfAbsent(authenticator.credentialType(), authenticator);
        if (previous != null) {
          throw new IllegalArgumentException(
              "two authenticators for credentials type "
                  + authenticator.credentialType().getName()
                  + ": "
                  + previous.getClass().getName()
                  + " and "
                  + authenticator.getClass().getName());
        }
      }
      return new AuthenticatorChain(byType);
    }
  }
}
