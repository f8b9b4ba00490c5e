package dev.latchkey.passkey;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.exception.DataConversionException;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.CollectedClientData;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.BadOriginException;
import com.webauthn4j.verifier.exception.BadRpIdException;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import com.webauthn4j.verifier.exception.UserNotVerifiedException;
import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.Principal;
import dev.latchkey.core.PrincipalResolver;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.spi.PasskeyChallenge;
import dev.latchkey.core.spi.PasskeyRecord;
import dev.latchkey.core.spi.PasskeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

// Past 450 lines for a reason: the public Builder (Passkeys.Builder) and its setters' contracts
// live here, and the two ceremonies share one challenge life cycle and one counter rule that would
// have to be passed around if split; each public method's contract is its Javadoc.
/**
 * Passkeys (WebAuthn credentials): registration for a logged-in user, login with or without a user
 * name, a passkey as the second factor of a pending login, and the owner's list, rename and remove.
 * Parsing and verifying what the browser sends (client data, attestation objects, COSE keys,
 * signatures) is done by webauthn4j; this class owns the policy around it.
 *
 * <ul>
 *   <li>Every ceremony has its own challenge: 256 bits from {@link SecureRandom}, kept in the
 *       {@link PasskeyStore} by its SHA-256 only, taken out exactly once (a replay finds nothing),
 *       and refused after {@link Builder#challengeLifetime} by the injected {@link Clock}. A
 *       challenge is bound to its ceremony, its user and an optional caller binding (the web layer
 *       binds it to the session that asked).
 *   <li>The origin and the RP ID hash are checked against the {@link RelyingParty}; user presence
 *       always, user verification by the {@link UserVerification} policy.
 *   <li>The signature counter is advanced by compare-and-set in the store: a counter that does not
 *       increase (when either is non-zero) is refused as {@link
 *       PasskeyResult.Problem#POSSIBLE_CLONE} and reported as {@link AuthEvent.CloneSuspected}; of
 *       concurrent assertions that read one counter, at most one is accepted.
 *   <li>A store outage is {@link PasskeyResult.Problem#UNAVAILABLE} for the ceremonies (fail
 *       closed); the management calls ({@link #list}, {@link #rename}, {@link #remove}) throw
 *       {@link StoreUnavailableException}.
 * </ul>
 *
 * <p>A login answers the subject's principal at {@code MULTI_FACTOR} assurance in the caller's
 * hands: a passkey is something the user has, unlocked by something they are or know.
 *
 * <p>Built once by {@link #builder}; immutable and safe for concurrent use.
 */
public final class Passkeys {
  /** The method name in events. */
  public static final String METHOD = "passkey";

  /** How long a challenge is accepted unless configured otherwise: two minutes. */
  public static final Duration DEFAULT_CHALLENGE_LIFETIME = Duration.ofMinutes(2);

  /** How many passkeys one user may hold unless configured otherwise. */
  public static final int DEFAULT_MAX_PER_USER = 10;

  private static final int CHALLENGE_BYTES = 32;
  private static final int USER_HANDLE_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();
  // ES256 first (every platform authenticator), then EdDSA and RS256 (Windows Hello).
  private static final List<COSEAlgorithmIdentifier> ALGORITHMS =
      List.of(
          COSEAlgorithmIdentifier.ES256,
          COSEAlgorithmIdentifier.EdDSA,
          COSEAlgorithmIdentifier.RS256);

  /** When a ceremony demands that the authenticator verifies the user (PIN, biometrics). */
  public enum UserVerification {
    /** Always: an answer without the UV flag is refused. */
    REQUIRED,
    /** Asked for, not demanded: an answer without the UV flag is accepted. */
    PREFERRED,
    /** Not asked for: an answer without the UV flag is accepted. */
    DISCOURAGED;

    String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final PasskeyStore store;
  private final RelyingParty rp;
  private final PrincipalResolver principals;
  private final UserVerification userVerification;
  private final Duration challengeLifetime;
  private final int maxPerUser;
  private final Clock clock;
  private final AuthListener listener;
  private final ObjectConverter converter;
  private final WebAuthnManager manager;
  private final Set<Origin> origins;

  private Passkeys(Builder b) {
    this.store = b.store;
    this.rp = b.rp;
    this.principals = b.principals;
    this.userVerification = b.userVerification;
    this.challengeLifetime = b.challengeLifetime;
    this.maxPerUser = b.maxPerUser;
    this.clock = b.clock;
    this.listener = AuthListener.guarded(b.listener);
    this.converter = new ObjectConverter();
    // Non-strict: "none" attestation is accepted and no trust anchors are needed; passkeys are
    // trusted for what they sign from now on, not for where they were made.
    this.manager = WebAuthnManager.createNonStrictWebAuthnManager(converter);
    Set<Origin> o = new LinkedHashSet<>();
    for (String origin : rp.origins()) {
      o.add(new Origin(origin));
    }
    this.origins = Set.copyOf(o);
  }

  /**
   * A builder for passkeys kept in {@code store} for the relying party {@code rp}.
   *
   * @param store where passkeys and ceremonies in progress are kept
   * @param rp the relying party id, name and allowed origins
   * @return the builder
   * @throws NullPointerException when an argument is null
   */
  public static Builder builder(PasskeyStore store, RelyingParty rp) {
    return new Builder(store, rp);
  }

  /** {@return the relying party these passkeys are for} */
  public RelyingParty relyingParty() {
    return rp;
  }

  /**
   * Starts registering a passkey for {@code subject}, a logged-in user: {@code
   * PublicKeyCredentialCreationOptionsJSON} asking for a discoverable credential, with the user's
   * passkeys as {@code excludeCredentials} (an authenticator holding one of them declines).
   *
   * @param subject who registers
   * @param userName the account name the authenticator shows (e.g. the login name)
   * @param displayName the friendly name it shows
   * @param binding what the answer must come with (e.g. a hash of the session); empty for none
   * @return the options, or {@code BUSY}, {@code LIMIT_REACHED} or {@code UNAVAILABLE}
   */
  public PasskeyResult<PasskeyOptions> registrationOptions(
      String subject, String userName, String displayName, Optional<String> binding) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(userName, "userName");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(binding, "binding");
    return guarded(
        () -> {
          List<PasskeyRecord> held = store.list(subject);
          if (held.size() >= maxPerUser) {
            return refused(PasskeyResult.Problem.LIMIT_REACHED, "too many passkeys");
          }
          // One handle per user, so that an authenticator keeps one account for them; a fresh
          // random one for a user's first passkey, never the subject (user handles are not PII).
          String handle =
              held.isEmpty()
                  ? B64.encodeToString(random(USER_HANDLE_BYTES))
                  : held.get(0).userHandle();
          byte[] challenge = random(CHALLENGE_BYTES);
          Instant expiresAt = clock.instant().plus(challengeLifetime);
          PasskeyChallenge kept =
              new PasskeyChallenge(
                  PasskeyChallenge.Ceremony.REGISTRATION,
                  Optional.of(subject),
                  Optional.of(handle),
                  binding,
                  expiresAt);
          if (!store.putChallenge(hash(challenge), kept)) {
            return refused(PasskeyResult.Problem.BUSY, "too many ceremonies in progress");
          }
          Map<String, Object> options = new LinkedHashMap<>();
          options.put("rp", Map.of("id", rp.id(), "name", rp.name()));
          Map<String, Object> user = new LinkedHashMap<>();
          user.put("id", handle);
          user.put("name", userName);
          user.put("displayName", displayName);
          options.put("user", user);
          options.put("challenge", B64.encodeToString(challenge));
          List<Map<String, Object>> params = new ArrayList<>();
          for (COSEAlgorithmIdentifier alg : ALGORITHMS) {
            params.add(Map.of("type", "public-key", "alg", alg.getValue()));
          }
          options.put("pubKeyCredParams", params);
          options.put("timeout", challengeLifetime.toMillis());
          options.put("excludeCredentials", descriptors(held));
          Map<String, Object> selection = new LinkedHashMap<>();
          selection.put("residentKey", "required");
          selection.put("requireResidentKey", true);
          selection.put("userVerification", userVerification.json());
          options.put("authenticatorSelection", selection);
          options.put("attestation", "none");
          return accepted(new PasskeyOptions(json(options), expiresAt));
        });
  }

  /**
   * Finishes a registration: verifies the browser's {@code PublicKeyCredential.toJSON()} answer
   * against the challenge issued to {@code subject} with {@code binding}, and stores the passkey
   * under {@code name}.
   *
   * @param subject the logged-in user finishing it
   * @param responseJson the credential as JSON
   * @param binding as given to {@link #registrationOptions}
   * @param name the user's label for the passkey (1 to {@value PasskeyRecord#MAX_NAME_CHARS}
   *     characters)
   * @return the stored passkey, or the refusal
   */
  public PasskeyResult<PasskeyRecord> register(
      String subject, String responseJson, Optional<String> binding, String name) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(responseJson, "responseJson");
    Objects.requireNonNull(binding, "binding");
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.length() > PasskeyRecord.MAX_NAME_CHARS) {
      return refused(PasskeyResult.Problem.MALFORMED, "name must be 1 to 64 characters");
    }
    RegistrationData data;
    try {
      data = manager.parseRegistrationResponseJSON(responseJson);
    } catch (RuntimeException e) {
      return refused(PasskeyResult.Problem.MALFORMED, "unreadable registration response");
    }
    if (data.getAttestationObject() == null
        || data.getAttestationObject().getAuthenticatorData() == null
        || data.getCollectedClientData() == null
        || data.getCollectedClientData().getChallenge() == null
        || data.getAttestationObject().getAuthenticatorData().getAttestedCredentialData() == null) {
      return refused(PasskeyResult.Problem.MALFORMED, "incomplete registration response");
    }
    return guarded(
        () -> {
          Instant now = clock.instant();
          byte[] challenge = data.getCollectedClientData().getChallenge().getValue();
          Optional<PasskeyChallenge> kept = store.takeChallenge(hash(challenge), now);
          if (kept.isEmpty()
              || kept.get().ceremony() != PasskeyChallenge.Ceremony.REGISTRATION
              || !kept.get().subject().equals(Optional.of(subject))
              || !kept.get().binding().equals(binding)) {
            return refused(PasskeyResult.Problem.CHALLENGE_REJECTED, "no such challenge");
          }
          List<PublicKeyCredentialParameters> params = new ArrayList<>();
          for (COSEAlgorithmIdentifier alg : ALGORITHMS) {
            params.add(new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, alg));
          }
          RegistrationParameters parameters =
              new RegistrationParameters(
                  server(challenge), params, userVerification == UserVerification.REQUIRED, true);
          try {
            manager.verify(data, parameters);
          } catch (RuntimeException e) {
            // webauthn4j's verdicts are exceptions; any of them, expected or not, refuses.
            return verificationRefusal(e);
          }
          AuthenticatorData<?> auth = data.getAttestationObject().getAuthenticatorData();
          AttestedCredentialData attested = auth.getAttestedCredentialData();
          String credentialId = B64.encodeToString(attested.getCredentialId());
          if (!PasskeyRecord.isCredentialId(credentialId)) {
            return refused(PasskeyResult.Problem.MALFORMED, "credential id too long");
          }
          Set<String> transports = new LinkedHashSet<>();
          if (data.getTransports() != null) {
            for (AuthenticatorTransport t : data.getTransports()) {
              transports.add(t.getValue());
            }
          }
          PasskeyRecord record =
              new PasskeyRecord(
                  credentialId,
                  subject,
                  kept.get().userHandle().orElseThrow(),
                  B64.encodeToString(
                      converter.getCborMapper().writeValueAsBytes(attested.getCOSEKey())),
                  auth.getSignCount(),
                  transports,
                  name,
                  now,
                  Optional.empty(),
                  auth.isFlagBE(),
                  auth.isFlagBS());
          if (!store.create(record, maxPerUser)) {
            return store.find(credentialId).isPresent()
                ? refused(PasskeyResult.Problem.ALREADY_REGISTERED, "passkey already registered")
                : refused(PasskeyResult.Problem.LIMIT_REACHED, "too many passkeys");
          }
          listener.onEvent(new AuthEvent.Issued(now, subject, METHOD));
          return accepted(record);
        });
  }

  /**
   * Starts a login. With a subject, the options carry that user's passkeys as {@code
   * allowCredentials} and only they are accepted; without one, {@code allowCredentials} is empty
   * and the browser offers the discoverable passkeys it holds for this RP (a username-less login).
   *
   * @param subject the user who logs in, when known
   * @return {@code PublicKeyCredentialRequestOptionsJSON}, or {@code BUSY} or {@code UNAVAILABLE}
   */
  public PasskeyResult<PasskeyOptions> loginOptions(Optional<String> subject) {
    Objects.requireNonNull(subject, "subject");
    return requestOptions(subject, Optional.empty());
  }

  /**
   * Finishes a login: verifies the browser's {@code PublicKeyCredential.toJSON()} assertion and
   * answers the passkey's user.
   *
   * @param responseJson the assertion as JSON
   * @return the user's principal (from the {@link PrincipalResolver}), or the refusal
   */
  public PasskeyResult<Principal> login(String responseJson) {
    Objects.requireNonNull(responseJson, "responseJson");
    return assertion(responseJson, Optional.empty(), Optional.empty());
  }

  /**
   * Starts the passkey step of a pending login: the request options for {@code subject}'s passkeys,
   * bound to {@code binding} (e.g. a hash of the pending session).
   *
   * @param subject the pending login's user
   * @param binding what the answer must come with
   * @return the options, or {@code BUSY} or {@code UNAVAILABLE}
   */
  public PasskeyResult<PasskeyOptions> secondFactorOptions(String subject, String binding) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(binding, "binding");
    return requestOptions(Optional.of(subject), Optional.of(binding));
  }

  /**
   * Finishes the passkey step of a pending login: the assertion must answer a challenge issued by
   * {@link #secondFactorOptions} for {@code subject} and {@code binding}, with one of {@code
   * subject}'s passkeys; another user's passkey is {@link PasskeyResult.Problem#WRONG_USER}.
   *
   * @param subject the pending login's user
   * @param responseJson the assertion as JSON
   * @param binding as given to {@link #secondFactorOptions}
   * @return the user's principal, or the refusal
   */
  public PasskeyResult<Principal> verifySecondFactor(
      String subject, String responseJson, String binding) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(responseJson, "responseJson");
    Objects.requireNonNull(binding, "binding");
    return assertion(responseJson, Optional.of(subject), Optional.of(binding));
  }

  /**
   * {@return whether {@code subject} holds a passkey}
   *
   * @param subject the user
   * @throws StoreUnavailableException when the store cannot be reached
   */
  public boolean hasPasskey(String subject) {
    return !list(subject).isEmpty();
  }

  /**
   * {@return the subject's passkeys, oldest first} Nothing in them is a secret.
   *
   * @param subject the owner
   * @throws StoreUnavailableException when the store cannot be reached
   */
  public List<PasskeyRecord> list(String subject) {
    return store.list(Objects.requireNonNull(subject, "subject"));
  }

  /**
   * Renames one of the subject's passkeys.
   *
   * @param subject the owner
   * @param credentialId the passkey's id
   * @param name 1 to {@value PasskeyRecord#MAX_NAME_CHARS} characters, not blank
   * @return true when renamed; false when the subject holds no such passkey
   * @throws IllegalArgumentException when the name is blank or too long
   * @throws StoreUnavailableException when the store cannot be reached
   */
  public boolean rename(String subject, String credentialId, String name) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(credentialId, "credentialId");
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.length() > PasskeyRecord.MAX_NAME_CHARS) {
      throw new IllegalArgumentException(
          "name must be 1 to " + PasskeyRecord.MAX_NAME_CHARS + " characters, not blank");
    }
    return PasskeyRecord.isCredentialId(credentialId) && store.rename(subject, credentialId, name);
  }

  /**
   * Removes one of the subject's passkeys; it logs no one in from then on.
   *
   * @param subject the owner
   * @param credentialId the passkey's id
   * @return true when removed; false when the subject holds no such passkey
   * @throws StoreUnavailableException when the store cannot be reached
   */
  public boolean remove(String subject, String credentialId) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(credentialId, "credentialId");
    boolean removed =
        PasskeyRecord.isCredentialId(credentialId) && store.delete(subject, credentialId);
    if (removed) {
      listener.onEvent(new AuthEvent.Revoked(clock.instant(), subject, METHOD));
    }
    return removed;
  }

  private PasskeyResult<PasskeyOptions> requestOptions(
      Optional<String> subject, Optional<String> binding) {
    return guarded(
        () -> {
          List<PasskeyRecord> allowed = subject.isPresent() ? store.list(subject.get()) : List.of();
          byte[] challenge = random(CHALLENGE_BYTES);
          Instant expiresAt = clock.instant().plus(challengeLifetime);
          PasskeyChallenge kept =
              new PasskeyChallenge(
                  PasskeyChallenge.Ceremony.AUTHENTICATION,
                  subject,
                  Optional.empty(),
                  binding,
                  expiresAt);
          if (!store.putChallenge(hash(challenge), kept)) {
            return refused(PasskeyResult.Problem.BUSY, "too many ceremonies in progress");
          }
          Map<String, Object> options = new LinkedHashMap<>();
          options.put("challenge", B64.encodeToString(challenge));
          options.put("timeout", challengeLifetime.toMillis());
          options.put("rpId", rp.id());
          options.put("allowCredentials", descriptors(allowed));
          options.put("userVerification", userVerification.json());
          return accepted(new PasskeyOptions(json(options), expiresAt));
        });
  }

  private PasskeyResult<Principal> assertion(
      String responseJson, Optional<String> expectedSubject, Optional<String> binding) {
    AuthenticationData data;
    try {
      data = manager.parseAuthenticationResponseJSON(responseJson);
    } catch (RuntimeException e) {
      return refused(PasskeyResult.Problem.MALFORMED, "unreadable authentication response");
    }
    CollectedClientData client = data.getCollectedClientData();
    if (client == null
        || client.getChallenge() == null
        || data.getCredentialId() == null
        || data.getAuthenticatorData() == null
        || data.getSignature() == null) {
      return refused(PasskeyResult.Problem.MALFORMED, "incomplete authentication response");
    }
    String credentialId = B64.encodeToString(data.getCredentialId());
    return guarded(
        () -> {
          Instant now = clock.instant();
          byte[] challenge = client.getChallenge().getValue();
          Optional<PasskeyChallenge> kept = store.takeChallenge(hash(challenge), now);
          if (kept.isEmpty()
              || kept.get().ceremony() != PasskeyChallenge.Ceremony.AUTHENTICATION
              || !kept.get().binding().equals(binding)
              || (expectedSubject.isPresent() && !kept.get().subject().equals(expectedSubject))) {
            return failed(null, PasskeyResult.Problem.CHALLENGE_REJECTED, "no such challenge", now);
          }
          Optional<PasskeyRecord> found =
              PasskeyRecord.isCredentialId(credentialId)
                  ? store.find(credentialId)
                  : Optional.empty();
          if (found.isEmpty()) {
            return failed(null, PasskeyResult.Problem.UNKNOWN_CREDENTIAL, "unknown passkey", now);
          }
          PasskeyRecord passkey = found.get();
          if (kept.get().subject().isPresent()
              && !kept.get().subject().get().equals(passkey.subject())) {
            return failed(
                passkey.subject(),
                PasskeyResult.Problem.WRONG_USER,
                "passkey of another user",
                now);
          }
          byte[] userHandle = data.getUserHandle();
          // A username-less login learns its user from the authenticator's user handle, which
          // must then be there and be the passkey's.
          boolean missing = userHandle == null && kept.get().subject().isEmpty();
          boolean other =
              userHandle != null
                  && !MessageDigest.isEqual(userHandle, B64_DECODE.decode(passkey.userHandle()));
          if (missing || other) {
            return failed(
                passkey.subject(),
                PasskeyResult.Problem.VERIFICATION_FAILED,
                "user handle does not match",
                now);
          }
          COSEKey key;
          try {
            key =
                converter
                    .getCborMapper()
                    .readValue(B64_DECODE.decode(passkey.publicKey()), COSEKey.class);
          } catch (RuntimeException e) {
            // A stored key that cannot be read logs no one in.
            return failed(
                passkey.subject(),
                PasskeyResult.Problem.UNKNOWN_CREDENTIAL,
                "stored passkey unreadable",
                now);
          }
          CredentialRecordImpl credential =
              new CredentialRecordImpl(
                  new NoneAttestationStatement(),
                  null,
                  passkey.backupEligible(),
                  passkey.backedUp(),
                  passkey.signCount(),
                  new AttestedCredentialData(AAGUID.ZERO, data.getCredentialId(), key),
                  null,
                  null,
                  null,
                  null);
          List<byte[]> allowList = null;
          if (kept.get().subject().isPresent()) {
            allowList = List.of(data.getCredentialId());
          }
          AuthenticationParameters parameters =
              new AuthenticationParameters(
                  server(challenge),
                  credential,
                  allowList,
                  userVerification == UserVerification.REQUIRED,
                  true);
          try {
            manager.verify(data, parameters);
          } catch (MaliciousCounterValueException e) {
            return cloned(passkey, now);
          } catch (RuntimeException e) {
            // webauthn4j's verdicts are exceptions; any of them, expected or not, refuses.
            PasskeyResult.Refused<Principal> r = verificationRefusal(e);
            return failed(passkey.subject(), r.problem(), r.detail(), now);
          }
          long count = data.getAuthenticatorData().getSignCount();
          // Compare-and-set: of two assertions verified against one counter, one is recorded.
          if (!store.updateUse(credentialId, passkey.signCount(), count, now)) {
            return cloned(passkey, now);
          }
          Optional<Principal> principal = principals.resolve(passkey.subject());
          if (principal.isEmpty() || !principal.get().subject().equals(passkey.subject())) {
            return failed(
                passkey.subject(),
                PasskeyResult.Problem.UNKNOWN_CREDENTIAL,
                "user may not sign in",
                now);
          }
          listener.onEvent(new AuthEvent.Succeeded(now, passkey.subject(), METHOD));
          return accepted(principal.get());
        });
  }

  private PasskeyResult<Principal> cloned(PasskeyRecord passkey, Instant now) {
    listener.onEvent(
        new AuthEvent.CloneSuspected(
            now, passkey.subject(), "passkey sign counter did not increase"));
    return failed(
        passkey.subject(),
        PasskeyResult.Problem.POSSIBLE_CLONE,
        "sign counter did not increase",
        now);
  }

  private <T> PasskeyResult<T> failed(
      String subject, PasskeyResult.Problem problem, String detail, Instant now) {
    listener.onEvent(new AuthEvent.Failed(now, subject, METHOD, problem.reason()));
    return refused(problem, detail);
  }

  private static <T> PasskeyResult.Refused<T> verificationRefusal(Exception e) {
    if (e instanceof BadOriginException) {
      return new PasskeyResult.Refused<>(PasskeyResult.Problem.VERIFICATION_FAILED, "wrong origin");
    }
    if (e instanceof BadRpIdException) {
      return new PasskeyResult.Refused<>(PasskeyResult.Problem.VERIFICATION_FAILED, "wrong RP ID");
    }
    if (e instanceof UserNotVerifiedException) {
      return new PasskeyResult.Refused<>(
          PasskeyResult.Problem.USER_NOT_VERIFIED, "user verification required");
    }
    if (e instanceof DataConversionException) {
      return new PasskeyResult.Refused<>(PasskeyResult.Problem.MALFORMED, "unreadable response");
    }
    return new PasskeyResult.Refused<>(
        PasskeyResult.Problem.VERIFICATION_FAILED, "verification failed");
  }

  private ServerProperty server(byte[] challenge) {
    return ServerProperty.builder()
        .origins(origins)
        .rpId(rp.id())
        .challenge(new DefaultChallenge(challenge))
        .build();
  }

  private static List<Map<String, Object>> descriptors(List<PasskeyRecord> passkeys) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (PasskeyRecord p : passkeys) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("type", "public-key");
      d.put("id", p.credentialId());
      if (!p.transports().isEmpty()) {
        d.put("transports", p.transports().stream().sorted().toList());
      }
      out.add(d);
    }
    return out;
  }

  private String json(Map<String, Object> value) {
    return converter.getJsonMapper().writeValueAsString(value);
  }

  /** Runs {@code step}, answering {@code UNAVAILABLE} when the store cannot be reached. */
  private static <T> PasskeyResult<T> guarded(Supplier<PasskeyResult<T>> step) {
    try {
      return step.get();
    } catch (StoreUnavailableException e) {
      return refused(PasskeyResult.Problem.UNAVAILABLE, "store unavailable");
    }
  }

  private static <T> PasskeyResult<T> accepted(T value) {
    return new PasskeyResult.Accepted<>(value);
  }

  private static <T> PasskeyResult.Refused<T> refused(
      PasskeyResult.Problem problem, String detail) {
    return new PasskeyResult.Refused<>(problem, detail);
  }

  private static byte[] random(int bytes) {
    byte[] out = new byte[bytes];
    RANDOM.nextBytes(out);
    return out;
  }

  /** The key a challenge is kept under: the store never holds one a client could answer. */
  static String hash(byte[] challenge) {
    try {
      return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(challenge));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "Passkeys[rp=" + rp.id() + ", userVerification=" + userVerification + "]";
  }

  /** Configures {@link Passkeys}; not thread-safe, used once. */
  public static final class Builder {
    private static final Duration MIN_LIFETIME = Duration.ofSeconds(10);
    private static final Duration MAX_LIFETIME = Duration.ofMinutes(10);

    private final PasskeyStore store;
    private final RelyingParty rp;
    private PrincipalResolver principals = subject -> Optional.of(Principal.of(subject, Set.of()));
    private UserVerification userVerification = UserVerification.PREFERRED;
    private Duration challengeLifetime = DEFAULT_CHALLENGE_LIFETIME;
    private int maxPerUser = DEFAULT_MAX_PER_USER;
    private Clock clock = Clock.systemUTC();
    private AuthListener listener = AuthListener.none();

    private Builder(PasskeyStore store, RelyingParty rp) {
      this.store = Objects.requireNonNull(store, "store");
      this.rp = Objects.requireNonNull(rp, "rp");
    }

    /**
     * How a passkey's subject becomes the principal of its login (roles, attributes); empty from
     * the resolver refuses the login. By default a principal with the subject and no roles.
     *
     * @param principals the resolver
     * @return this builder
     */
    public Builder principals(PrincipalResolver principals) {
      this.principals = Objects.requireNonNull(principals, "principals");
      return this;
    }

    /**
     * The user-verification policy of every ceremony; {@link UserVerification#PREFERRED} by
     * default.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder userVerification(UserVerification policy) {
      this.userVerification = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * How long a challenge is accepted, from 10 seconds to 10 minutes; two minutes by default.
     *
     * @param lifetime the lifetime
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder challengeLifetime(Duration lifetime) {
      Objects.requireNonNull(lifetime, "lifetime");
      if (lifetime.compareTo(MIN_LIFETIME) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0) {
        throw new IllegalArgumentException(
            "challengeLifetime must be from 10 seconds to 10 minutes: " + lifetime);
      }
      this.challengeLifetime = lifetime;
      return this;
    }

    /**
     * How many passkeys one user may hold, from 1 to 100; {@value Passkeys#DEFAULT_MAX_PER_USER} by
     * default.
     *
     * @param max the bound
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder maxPerUser(int max) {
      if (max < 1 || max > 100) {
        throw new IllegalArgumentException("maxPerUser must be from 1 to 100: " + max);
      }
      this.maxPerUser = max;
      return this;
    }

    /**
     * The clock challenges expire by and events are stamped with; the system UTC clock by default.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Receives the events: a login's success or failure, a registration ({@link AuthEvent.Issued}),
     * a removal ({@link AuthEvent.Revoked}), a suspected clone ({@link AuthEvent.CloneSuspected}).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(AuthListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** {@return the passkeys service} */
    public Passkeys build() {
      return new Passkeys(this);
    }
  }
}
