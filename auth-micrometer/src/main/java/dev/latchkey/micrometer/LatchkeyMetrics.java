package dev.latchkey.micrometer;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.Credentials;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Latchkey's meters on a Micrometer {@link MeterRegistry}. It is an {@link AuthListener}: give it
 * to each service builder's {@code listener(...)} and it counts what the services report; wrap a
 * strategy with {@link #timed} to time it as well.
 *
 * <pre>{@code
 * LatchkeyMetrics metrics = LatchkeyMetrics.builder(registry).tag("app", "shop").build();
 * PasswordAuthenticator passwords =
 *     PasswordAuthenticator.builder(directory, hasher).listener(metrics).build();
 * SessionManager sessions = SessionManager.builder(store).listener(metrics).build();
 * JwtTokenService tokens = JwtTokenService.builder(keys, issuer, audience).listener(metrics).build();
 * RefreshTokens refresh = RefreshTokens.builder(tokens, refreshStore).listener(metrics).build();
 * AuthenticatorChain chain = AuthenticatorChain.builder()
 *     .add(metrics.timed(passwords))
 *     .add(metrics.timed(sessions.authenticator()))
 *     .add(metrics.timed(tokens.authenticator()))
 *     .build();
 * }</pre>
 *
 * <p>The meters, named under the {@linkplain Builder#prefix prefix} ({@value #DEFAULT_PREFIX} by
 * default):
 *
 * <ul>
 *   <li>{@code latchkey.authentications} (counter; tags {@code method}, {@code outcome}, {@code
 *       reason}): every {@link AuthEvent.Succeeded} and {@link AuthEvent.Failed}. {@code method} is
 *       {@code password} (logins), {@code session} (session checks), {@code bearer} (access-token
 *       verifications through {@code JwtTokenService.authenticator()}), {@code refresh}
 *       (refreshes), {@code api_key} (API-key verifications), {@code second_factor} (TOTP and
 *       recovery codes), {@code one_time} (one-time tokens and codes, every purpose), {@code
 *       remember_me} (sessions restored from a remember-me cookie), {@code passkey} (passkey logins
 *       and second-factor steps), {@code oidc} (sign-ins with an OpenID provider) or {@code other}
 *       (any other strategy); {@code outcome} is {@code success} or {@code failure}; {@code reason}
 *       is an {@link AuthResult.Reason} name, or {@code NONE} for a success.
 *   <li>{@code latchkey.throttle.locks} (counter; tag {@code method}): refusals because a login
 *       name, an address or a refresh family was locked ({@link AuthResult.Reason#LOCKED}), each
 *       refused attempt once.
 *   <li>{@code latchkey.store.unavailable} (counter; tag {@code method}): refusals because a store
 *       or another collaborator could not be reached ({@link AuthResult.Reason#UNAVAILABLE}).
 *   <li>{@code latchkey.refresh.reuse} (counter): refresh tokens presented again after they were
 *       rotated; each ended its whole family.
 *   <li>{@code latchkey.clone.suspected} (counter): every {@link AuthEvent.CloneSuspected}, e.g. a
 *       passkey whose sign counter did not increase: an authenticator that may have been copied.
 *   <li>{@code latchkey.revocations} (counter; tag {@code what}): every {@link AuthEvent.Revoked},
 *       by {@code refresh_token_reuse}, {@code subject_disabled}, {@code access_token}, {@code
 *       all_access_tokens}, {@code refresh_family} or {@code other}.
 *   <li>{@code latchkey.logouts} (counter; tags {@code method}, {@code scope} {@code one} or {@code
 *       everywhere}): every {@link AuthEvent.LoggedOut}.
 *   <li>{@code latchkey.authentication.duration} (timer; tags {@code method}, {@code outcome}
 *       {@code success}, {@code failure} or {@code error} when the strategy threw): the strategies
 *       wrapped with {@link #timed}.
 * </ul>
 *
 * <p>Tag values come only from these fixed sets, so the number of time series is bounded whatever
 * clients send: no subject, login name, token, address or user agent ever becomes a tag. Every
 * meter is registered at {@link Builder#build()}, at zero, so that a rate exists before the first
 * event. Two instances with the same prefix on one registry share their meters.
 *
 * <p>Events carry no duration: only {@link #timed} measures time. Session checks and token
 * verifications are timed by wrapping {@code SessionManager.authenticator()} and {@code
 * JwtTokenService.authenticator()}; a direct call of {@code SessionManager.check} or {@code
 * JwtTokenService.verify} is not timed (and a direct {@code verify} emits no event, so it is not
 * counted either).
 *
 * <p>Immutable and safe for concurrent use; {@link #onEvent} only increments counters looked up at
 * build time, and never throws.
 */
public final class LatchkeyMetrics implements AuthListener {
  /** The default prefix of every meter name. */
  public static final String DEFAULT_PREFIX = "latchkey";

  private static final Set<String> OWN_TAG_KEYS =
      Set.of("method", "outcome", "reason", "what", "scope");
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

  private final MeterRegistry registry;
  private final String prefix;
  private final EnumMap<MethodTag, MethodMeters> byMethod = new EnumMap<>(MethodTag.class);
  private final EnumMap<RevocationTag, Counter> revocations = new EnumMap<>(RevocationTag.class);
  private final Counter reuse;
  private final Counter cloneSuspected;

  /** The meters of one {@code method} tag, looked up once per event. */
  private static final class MethodMeters {
    final Counter success;
    final EnumMap<AuthResult.Reason, Counter> failures = new EnumMap<>(AuthResult.Reason.class);
    final Counter locks;
    final Counter unavailable;
    final Counter logoutOne;
    final Counter logoutEverywhere;
    final Timer timedSuccess;
    final Timer timedFailure;
    final Timer timedError;

    MethodMeters(LatchkeyMetrics m, Tags method) {
      success = m.authentications(method.and("outcome", "success").and("reason", "NONE"));
      for (AuthResult.Reason r : AuthResult.Reason.values()) {
        failures.put(
            r, m.authentications(method.and("outcome", "failure").and("reason", r.name())));
      }
      locks =
          Counter.builder(m.name("throttle.locks"))
              .description("Authentications refused because a name, address or family was locked")
              .tags(method)
              .register(m.registry);
      unavailable =
          Counter.builder(m.name("store.unavailable"))
              .description("Authentications refused because a store could not be reached")
              .tags(method)
              .register(m.registry);
      logoutOne = m.logouts(method.and("scope", "one"));
      logoutEverywhere = m.logouts(method.and("scope", "everywhere"));
      timedSuccess = m.duration(method.and("outcome", "success"));
      timedFailure = m.duration(method.and("outcome", "failure"));
      timedError = m.duration(method.and("outcome", "error"));
    }
  }

  private LatchkeyMetrics(Builder b) {
    this.registry = b.registry;
    this.prefix = b.prefix;
    Tags common = b.tags;
    for (MethodTag m : MethodTag.values()) {
      byMethod.put(m, new MethodMeters(this, common.and("method", m.value)));
    }
    for (RevocationTag w : RevocationTag.values()) {
      revocations.put(
          w,
          Counter.builder(name("revocations"))
              .description("Credentials revoked, by what was revoked")
              .tags(common.and("what", w.value))
              .register(registry));
    }
    reuse =
        Counter.builder(name("refresh.reuse"))
            .description("Refresh tokens presented again after rotation; each ended its family")
            .tags(common)
            .register(registry);
    cloneSuspected =
        Counter.builder(name("clone.suspected"))
            .description("Credentials that may have been copied, e.g. a passkey counter gone back")
            .tags(common)
            .register(registry);
  }

  /**
   * {@return a builder of meters registered on {@code registry}}
   *
   * @param registry where the meters are registered
   * @throws NullPointerException when {@code registry} is null
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(Objects.requireNonNull(registry, "registry"));
  }

  /**
   * Counts the event as the class documentation describes. Never throws.
   *
   * @param event what happened
   */
  @Override
  public void onEvent(AuthEvent event) {
    if (event instanceof AuthEvent.Succeeded s) {
      byMethod.get(MethodTag.of(s.method())).success.increment();
    } else if (event instanceof AuthEvent.Failed f) {
      MethodMeters meters = byMethod.get(MethodTag.of(f.method()));
      meters.failures.get(f.reason()).increment();
      if (f.reason() == AuthResult.Reason.LOCKED) {
        meters.locks.increment();
      } else if (f.reason() == AuthResult.Reason.UNAVAILABLE) {
        meters.unavailable.increment();
      }
    } else if (event instanceof AuthEvent.LoggedOut l) {
      MethodMeters meters = byMethod.get(MethodTag.of(l.method()));
      (l.everywhere() ? meters.logoutEverywhere : meters.logoutOne).increment();
    } else if (event instanceof AuthEvent.Revoked r) {
      RevocationTag what = RevocationTag.of(r.what());
      revocations.get(what).increment();
      if (what == RevocationTag.REFRESH_TOKEN_REUSE) {
        reuse.increment();
      }
    } else if (event instanceof AuthEvent.CloneSuspected) {
      cloneSuspected.increment();
    }
  }

  /**
   * {@return {@code authenticator}, timed} Each call of its {@link Authenticator#authenticate} is
   * recorded in {@code latchkey.authentication.duration}, tagged with the strategy's {@code method}
   * (by its {@linkplain Authenticator#credentialType() credentials type}: password, session cookie,
   * bearer token, or {@code other}) and the outcome; an exception it throws is recorded as {@code
   * error} and propagates. Time is read from the registry's clock. The wrapper answers exactly what
   * {@code authenticator} answers, so it can replace it in an {@code AuthenticatorChain}.
   *
   * @param <C> the credentials type the strategy checks
   * @param authenticator the strategy to time
   * @throws NullPointerException when {@code authenticator} is null
   */
  public <C extends Credentials> Authenticator<C> timed(Authenticator<C> authenticator) {
    Objects.requireNonNull(authenticator, "authenticator");
    MethodMeters meters = byMethod.get(MethodTag.ofCredentials(authenticator.credentialType()));
    return new TimedAuthenticator<>(
        authenticator,
        meters.timedSuccess,
        meters.timedFailure,
        meters.timedError,
        registry.config().clock());
  }

  @Override
  public String toString() {
    return "LatchkeyMetrics[prefix=" + prefix + "]";
  }

  private String name(String suffix) {
    return prefix + "." + suffix;
  }

  private Counter authentications(Tags tags) {
    return Counter.builder(name("authentications"))
        .description("Authentication attempts by method, outcome and reason")
        .tags(tags)
        .register(registry);
  }

  private Counter logouts(Tags tags) {
    return Counter.builder(name("logouts"))
        .description("Logouts, of one session or family or everywhere")
        .tags(tags)
        .register(registry);
  }

  private Timer duration(Tags tags) {
    return Timer.builder(name("authentication.duration"))
        .description("Time taken by the timed authenticators")
        .tags(tags)
        .register(registry);
  }

  /** Configures {@link LatchkeyMetrics}; not safe for concurrent use. */
  public static final class Builder {
    private final MeterRegistry registry;
    private String prefix = DEFAULT_PREFIX;
    private Tags tags = Tags.empty();

    private Builder(MeterRegistry registry) {
      this.registry = registry;
    }

    /**
     * The start of every meter name, e.g. {@code "latchkey"} for {@code latchkey.authentications}:
     * dot-separated lower-case words of letters, digits and underscores. Default {@value
     * LatchkeyMetrics#DEFAULT_PREFIX}.
     *
     * @param prefix the name prefix, without a trailing dot
     * @return this builder
     * @throws NullPointerException when {@code prefix} is null
     * @throws IllegalArgumentException when {@code prefix} is not of that shape
     */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (!PREFIX.matcher(prefix).matches()) {
        throw new IllegalArgumentException(
            "prefix must be dot-separated lower-case words, e.g. \"latchkey\": " + prefix);
      }
      this.prefix = prefix;
      return this;
    }

    /**
     * Adds a tag to every meter, e.g. the application's name. A later tag with the same key
     * replaces an earlier one.
     *
     * @param key the tag key; not one of the keys the meters tag themselves ({@code method}, {@code
     *     outcome}, {@code reason}, {@code what}, {@code scope})
     * @param value the tag value
     * @return this builder
     * @throws NullPointerException when {@code key} or {@code value} is null
     * @throws IllegalArgumentException when {@code key} is one of the meters' own keys
     */
    public Builder tag(String key, String value) {
      return tags(Tags.of(Tag.of(key, value)));
    }

    /**
     * Adds tags to every meter, as {@link #tag} does for one.
     *
     * @param tags the tags to add
     * @return this builder
     * @throws NullPointerException when {@code tags} is null
     * @throws IllegalArgumentException when a key is one of the meters' own keys
     */
    public Builder tags(Iterable<Tag> tags) {
      Objects.requireNonNull(tags, "tags");
      for (Tag tag : tags) {
        if (OWN_TAG_KEYS.contains(tag.getKey())) {
          throw new IllegalArgumentException(
              "tag key is one the meters set themselves, choose another: " + tag.getKey());
        }
      }
      this.tags = this.tags.and(tags);
      return this;
    }

    /**
     * {@return the metrics, with every meter registered}
     *
     * @throws IllegalArgumentException when the registry already holds a meter of another type
     *     under one of the names (for example a second, differently tagged registration by hand)
     */
    public LatchkeyMetrics build() {
      return new LatchkeyMetrics(this);
    }
  }
}
