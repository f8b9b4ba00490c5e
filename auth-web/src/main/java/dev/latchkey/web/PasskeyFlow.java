package dev.latchkey.web;

import dev.latchkey.core.Assurance;
import dev.latchkey.core.Principal;
import dev.latchkey.core.spi.PasskeyRecord;
import dev.latchkey.passkey.PasskeyOptions;
import dev.latchkey.passkey.PasskeyResult;
import dev.latchkey.passkey.Passkeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The passkey half of the web layer: registration for a logged-in session, login (public), the
 * passkey step of a pending session, and the owner's list, rename and remove. Loaded only when the
 * application configured passkeys, so {@code auth-passkey} (and webauthn4j) need not be present
 * otherwise.
 *
 * <p>A registration or second-factor challenge is bound to the session that asked for it (the
 * SHA-256 of its id), so an answer is accepted only with that session. Bodies the browser sends are
 * WebAuthn's {@code PublicKeyCredential.toJSON()}; they pass the same strict JSON check as every
 * other body before webauthn4j reads them.
 */
final class PasskeyFlow {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final Passkeys passkeys;
  private final SessionFlow sessions;
  private final Answers answers;
  private final int maxBodyBytes;

  PasskeyFlow(Passkeys passkeys, SessionFlow sessions, Answers answers, int maxBodyBytes) {
    this.passkeys = passkeys;
    this.sessions = sessions;
    this.answers = answers;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Whether a password login of {@code principal} must be followed by a passkey. */
  boolean required(Principal principal) {
    return passkeys.hasPasskey(principal.subject());
  }

  /** {@code POST /passkeys/register/options}: a fully logged-in session with its CSRF token. */
  WebResponse registerOptions(WebRequest request) {
    AccessDecision gate = gate(sessions.check(request, true));
    if (!gate.allowed()) {
      return gate.refusal().orElseThrow();
    }
    JsonBody body = JsonBody.read(request, maxBodyBytes, true);
    if (body.refusal() != null) {
      return body.refusal();
    }
    String subject = gate.principal().orElseThrow().subject();
    String name = body.string("username").orElse(subject);
    return options(
        passkeys.registrationOptions(
            subject,
            name,
            body.string("display_name").orElse(name),
            Optional.of(binding(request))));
  }

  /** {@code POST /passkeys/register}: the credential, with the session and its CSRF token. */
  WebResponse register(WebRequest request) {
    AccessDecision gate = gate(sessions.check(request, true));
    if (!gate.allowed()) {
      return gate.refusal().orElseThrow();
    }
    Credential credential = credential(request);
    if (credential.refusal() != null) {
      return credential.refusal();
    }
    String name = credential.body().string("name").orElse("passkey");
    if (name.isBlank() || name.length() > PasskeyRecord.MAX_NAME_CHARS) {
      return Answers.error(400, "name must be 1 to 64 characters");
    }
    return passkeys
        .register(
            gate.principal().orElseThrow().subject(),
            credential.json(),
            Optional.of(binding(request)),
            name)
        .fold(p -> WebResponse.json(201, describe(p)), this::refusal);
  }

  /** {@code POST /passkeys/login/options}, optionally {@code {"username"}}: public. */
  WebResponse loginOptions(WebRequest request) {
    JsonBody body = JsonBody.read(request, maxBodyBytes, true);
    if (body.refusal() != null) {
      return body.refusal();
    }
    if (body.member("username").isPresent() && body.string("username").isEmpty()) {
      return Answers.error(400, "username must be a string");
    }
    return options(passkeys.loginOptions(body.string("username")));
  }

  /** {@code POST /passkeys/login}: the assertion; a new session at multi-factor assurance. */
  WebResponse login(WebRequest request) {
    Credential credential = credential(request);
    if (credential.refusal() != null) {
      return credential.refusal();
    }
    return passkeys
        .login(credential.json())
        .fold(
            principal -> sessions.login(request, principal, Assurance.Level.MULTI_FACTOR, false),
            this::refusal);
  }

  /** {@code POST /passkeys/verify/options}: the pending (or full) session and its CSRF token. */
  WebResponse verifyOptions(WebRequest request) {
    AccessDecision gate = gate(sessions.checkPending(request, true));
    if (!gate.allowed()) {
      return gate.refusal().orElseThrow();
    }
    return options(
        passkeys.secondFactorOptions(gate.principal().orElseThrow().subject(), binding(request)));
  }

  /**
   * {@code POST /passkeys/verify}: an assertion by one of the session user's passkeys; the session
   * moves to a new id at multi-factor assurance.
   */
  WebResponse verify(WebRequest request) {
    AccessDecision gate = gate(sessions.checkPending(request, true));
    if (!gate.allowed()) {
      return gate.refusal().orElseThrow();
    }
    Credential credential = credential(request);
    if (credential.refusal() != null) {
      return credential.refusal();
    }
    return passkeys
        .verifySecondFactor(
            gate.principal().orElseThrow().subject(), credential.json(), binding(request))
        .fold(p -> sessions.raise(request, Assurance.Level.MULTI_FACTOR), this::refusal);
  }

  /** {@code GET /passkeys}: the session user's passkeys, no key material. */
  WebResponse list(Principal owner) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (PasskeyRecord p : passkeys.list(owner.subject())) {
      out.add(describe(p));
    }
    return WebResponse.json(200, Map.of("passkeys", out));
  }

  /** {@code PATCH /passkeys/<id> {"name"}}: 200, or 404 for no passkey of the owner's. */
  WebResponse rename(Principal owner, String id, JsonBody body) {
    Optional<String> name = body.string("name");
    if (name.isEmpty() || name.get().isBlank() || name.get().length() > 64) {
      return Answers.error(400, "name must be a string of 1 to 64 characters");
    }
    return passkeys.rename(owner.subject(), id, name.get())
        ? WebResponse.json(200, Map.of("id", id, "name", name.get()))
        : Answers.error(404, "no such passkey");
  }

  /** {@code DELETE /passkeys/<id>}: 204, or 404 for no passkey of the owner's. */
  WebResponse remove(Principal owner, String id) {
    return passkeys.remove(owner.subject(), id)
        ? new WebResponse(204, List.of(new WebResponse.Header("Cache-Control", "no-store")), "")
        : Answers.error(404, "no such passkey");
  }

  private WebResponse options(PasskeyResult<PasskeyOptions> result) {
    return result.fold(
        o -> WebResponse.json(200, o.json()).withHeader("Cache-Control", "no-store"),
        this::refusal);
  }

  private <T> WebResponse refusal(PasskeyResult.Refused<T> refused) {
    return switch (refused.problem()) {
      case UNAVAILABLE -> answers.unavailable();
      case BUSY -> Answers.error(429, "too many passkey ceremonies").withHeader("Retry-After", "1");
      case MALFORMED -> Answers.error(400, "malformed passkey response");
      case ALREADY_REGISTERED -> Answers.error(409, "passkey already registered");
      case LIMIT_REACHED -> Answers.error(409, "too many passkeys: remove one first");
      case USER_NOT_VERIFIED -> Answers.error(401, "user verification required");
      case CHALLENGE_REJECTED -> Answers.error(401, "challenge expired or already used");
      default -> Answers.error(401, "passkey refused");
    };
  }

  private static Map<String, Object> describe(PasskeyRecord p) {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("id", p.credentialId());
    k.put("name", p.name());
    k.put("created_at", p.createdAt().toString());
    k.put("last_used_at", p.lastUsedAt().map(Instant::toString).orElse(null));
    k.put("transports", p.transports().stream().sorted().toList());
    k.put("backed_up", p.backedUp());
    return k;
  }

  /** The session this request came with, as a value an answer must be given with again. */
  private String binding(WebRequest request) {
    String sid = sessions.sessionId(request).orElseThrow();
    try {
      return B64.encodeToString(
          MessageDigest.getInstance("SHA-256").digest(sid.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  /** A credential body: its text for webauthn4j and its members, or the answer refusing it. */
  private record Credential(String json, JsonBody body, WebResponse refusal) {}

  private Credential credential(WebRequest request) {
    byte[] bytes;
    try (InputStream in = request.body()) {
      bytes = in.readNBytes(maxBodyBytes + 1);
    } catch (IOException e) {
      return new Credential(null, null, Answers.error(400, "the body could not be read"));
    }
    if (bytes.length > maxBodyBytes) {
      return new Credential(null, null, Answers.error(413, "body too large"));
    }
    if (!JsonBody.isJson(request.headers("Content-Type"))) {
      return new Credential(
          null, null, Answers.error(415, "Content-Type must be application/json"));
    }
    Optional<Map<String, Object>> members = JsonText.readMembers(bytes);
    if (members.isEmpty()) {
      return new Credential(null, null, Answers.error(400, "body must be a JSON object"));
    }
    return new Credential(
        new String(bytes, StandardCharsets.UTF_8), new JsonBody(members.get(), null), null);
  }

  private static AccessDecision gate(AccessDecision decision) {
    return decision != null ? decision : AccessDecision.refused(SessionFlow.notLoggedIn());
  }
}
