package dev.latchkey.web;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.password.AccountOutcome;
import dev.latchkey.password.PasswordAccounts;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The registration and password-change routes. Loaded only when the application configured {@link
 * PasswordAccounts}, so {@code auth-password} need not be present otherwise.
 */
final class PasswordAccountFlow {
  private final PasswordAccounts accounts;
  private final Answers answers;
  private final int maxBodyBytes;

  PasswordAccountFlow(PasswordAccounts accounts, Answers answers, int maxBodyBytes) {
    this.accounts = accounts;
    this.answers = answers;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** {@code POST {"username", "password"}}: 201, 400 with reasons, 409, 429 or 503. */
  WebResponse register(WebRequest request) {
    JsonBody body = JsonBody.read(request, maxBodyBytes, false);
    if (body.refusal() != null) {
      return body.refusal();
    }
    Optional<String> username = body.string("username");
    Optional<String> password = body.string("password");
    if (username.isEmpty() || password.isEmpty()) {
      return Answers.error(400, "username and password are required strings");
    }
    char[] chars = password.get().toCharArray();
    AccountOutcome outcome;
    try {
      outcome = accounts.register(username.get(), chars, request.clientAddress());
    } finally {
      Arrays.fill(chars, '\0');
    }
    return switch (outcome.status()) {
      case CREATED -> WebResponse.json(201, Map.of("status", "created"));
      case EXISTS -> Answers.error(409, "user_exists");
      case MALFORMED -> Answers.error(400, "invalid_username");
      default -> refusal(outcome);
    };
  }

  /**
   * {@code POST {"current_password", "new_password"}} for the session's user (the caller checked
   * the session and its CSRF token): 200 with a new session, 401, 400 with reasons, 429 or 503.
   */
  WebResponse change(WebRequest request, Principal principal, SessionFlow sessions) {
    JsonBody body = JsonBody.read(request, maxBodyBytes, false);
    if (body.refusal() != null) {
      return body.refusal();
    }
    Optional<String> current = body.string("current_password");
    Optional<String> next = body.string("new_password");
    if (current.isEmpty() || next.isEmpty()) {
      return Answers.error(400, "current_password and new_password are required strings");
    }
    char[] currentChars = current.get().toCharArray();
    char[] nextChars = next.get().toCharArray();
    AccountOutcome outcome;
    try {
      outcome =
          accounts.change(principal.subject(), currentChars, nextChars, request.clientAddress());
    } finally {
      Arrays.fill(currentChars, '\0');
      Arrays.fill(nextChars, '\0');
    }
    return switch (outcome.status()) {
      // Every session of the user ended with the change, this one too: it goes on under a new id.
      case CHANGED -> sessions.login(request, principal);
      case INVALID_CREDENTIALS -> Answers.error(401, "invalid_current_password");
      default -> refusal(outcome);
    };
  }

  private WebResponse refusal(AccountOutcome outcome) {
    return switch (outcome.status()) {
      case REJECTED -> {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("error", "password_rejected");
        out.put("reasons", outcome.rejections().stream().map(r -> r.code()).toList());
        yield WebResponse.json(400, out);
      }
      case LOCKED ->
          answers.locked(
              AuthResult.locked(outcome.retryAt().orElse(Instant.EPOCH), "too many attempts"),
              "too many attempts");
      default -> answers.unavailable();
    };
  }

  @Override
  public String toString() {
    return "PasswordAccountFlow[" + accounts + "]";
  }
}
