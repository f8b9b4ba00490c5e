package dev.latchkey.web;

import dev.latchkey.account.SecondFactors;
import dev.latchkey.core.Assurance;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The second-factor half of the web layer: TOTP enrollment and activation for a logged-in session,
 * the second-factor step of a login (a pending session raised to multi-factor), and the code a
 * token login must carry. Loaded only when the application configured second factors, so {@code
 * auth-account} need not be present otherwise.
 */
final class MfaFlow {
  /** The principal attribute a token login with a second factor adds (RFC 8176's {@code mfa}). */
  static final String AMR = "amr";

  private final SecondFactors factors;
  private final SessionFlow sessions;
  private final Answers answers;
  private final int maxBodyBytes;

  MfaFlow(SecondFactors factors, SessionFlow sessions, Answers answers, int maxBodyBytes) {
    this.factors = factors;
    this.sessions = sessions;
    this.answers = answers;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * {@return whether a login of {@code subject} must give its second factor} Throws {@link
   * dev.latchkey.core.StoreUnavailableException} on an outage: a login that cannot tell is refused
   * 503, never let through on one factor.
   */
  boolean required(Principal principal) {
    return factors.isEnrolled(principal.subject());
  }

  /** {@code POST /mfa/totp/enroll}: a fully logged-in session with its CSRF token. */
  WebResponse enroll(WebRequest request) {
    AccessDecision gate = gate(sessions.check(request, true));
    if (!gate.allowed()) {
      return gate.refusal().orElseThrow();
    }
    String subject = gate.principal().orElseThrow().subject();
    return factors
        .enroll(subject, subject)
        .fold(
            e -> {
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("secret", e.secret());
              body.put("otpauth_uri", e.otpauthUri());
              return WebResponse.json(200, body).withHeader("Cache-Control", "no-store");
            },
            failure ->
                failure.reason() == AuthResult.Reason.UNAVAILABLE
                    ? answers.unavailable()
                    : Answers.error(409, "second factor already active"));
  }

  /** {@code POST /mfa/totp/activate {"code"}}: a fully logged-in session with its CSRF token. */
  WebResponse activate(WebRequest request) {
    AccessDecision gate = gate(sessions.check(request, true));
    if (!gate.allowed()) {
      return gate.refusal().orElseThrow();
    }
    JsonBody body = JsonBody.read(request, maxBodyBytes, false);
    if (body.refusal() != null) {
      return body.refusal();
    }
    Optional<String> code = body.string("code");
    if (code.isEmpty()) {
      return Answers.error(400, "code is a required string");
    }
    return factors
        .activate(gate.principal().orElseThrow().subject(), code.get())
        .fold(
            codes ->
                WebResponse.json(200, Map.of("recovery_codes", codes))
                    .withHeader("Cache-Control", "no-store"),
            this::refusal);
  }

  /**
   * {@code POST /mfa/verify {"code"}}: the session (pending or not) with its CSRF token gives a
   * TOTP or recovery code; the session moves to a new id at multi-factor assurance.
   */
  WebResponse verify(WebRequest request) {
    AccessDecision gate = gate(sessions.checkPending(request, true));
    if (!gate.allowed()) {
      return gate.refusal().orElseThrow();
    }
    JsonBody body = JsonBody.read(request, maxBodyBytes, false);
    if (body.refusal() != null) {
      return body.refusal();
    }
    Optional<String> code = body.string("code");
    if (code.isEmpty()) {
      return Answers.error(400, "code is a required string");
    }
    AuthResult result = factors.verify(gate.principal().orElseThrow().subject(), code.get());
    return result.fold(p -> sessions.raise(request, Assurance.Level.MULTI_FACTOR), this::refusal);
  }

  /**
   * The second factor of a token login: {@code principal} with {@code amr} set when {@code body}
   * carries a right code; otherwise the refusal (401 {@code mfa_required} without a code).
   */
  Outcome tokenLogin(Principal principal, JsonBody body) {
    Optional<String> code = body.string("code");
    if (code.isEmpty()) {
      return new Outcome(null, SessionFlow.mfaRequired());
    }
    AuthResult result = factors.verify(principal.subject(), code.get());
    if (!result.succeeded()) {
      return new Outcome(null, refusal(result.failure().orElseThrow()));
    }
    Map<String, String> attributes = new HashMap<>(principal.attributes());
    attributes.put(AMR, "mfa");
    return new Outcome(new Principal(principal.subject(), principal.roles(), attributes), null);
  }

  /** A token login's second factor: the principal to issue to, or the answer instead. */
  record Outcome(Principal principal, WebResponse refusal) {}

  private static AccessDecision gate(AccessDecision decision) {
    return decision != null ? decision : AccessDecision.refused(SessionFlow.notLoggedIn());
  }

  private WebResponse refusal(AuthResult.Failure failure) {
    return switch (failure.reason()) {
      case LOCKED -> answers.locked(failure, "too many wrong codes");
      case UNAVAILABLE -> answers.unavailable();
      default -> Answers.error(401, "invalid code");
    };
  }
}
