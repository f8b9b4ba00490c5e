package dev.latchkey.web;

import dev.latchkey.account.ApiKeys;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.BearerToken;
import dev.latchkey.core.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The API-key half of the web layer: a bearer value with the keys' prefix verified as an API key,
 * and the owner's routes to create, list and revoke keys (behind the session). Loaded only when the
 * application configured API keys, so {@code auth-account} need not be present otherwise.
 */
final class ApiKeyFlow {
  /** The longest {@code expires_in} text read: more digits than any bound could need is refused. */
  private static final int MAX_NUMBER_CHARS = 12;

  private final ApiKeys keys;
  private final Answers answers;
  private final String challenge;

  ApiKeyFlow(ApiKeys keys, Answers answers, String realm) {
    this.keys = keys;
    this.answers = answers;
    this.challenge = "Bearer realm=\"" + realm + "\"";
  }

  /** Whether {@code bearer} is for this flow: it carries the keys' prefix, valid or not. */
  boolean recognizes(String bearer) {
    return keys.recognizes(bearer);
  }

  /** The key's decision: the principal, or 401 {@code invalid_token} / 503. */
  AccessDecision check(BearerToken bearer) {
    AuthResult result = keys.authenticator().authenticate(bearer);
    return result.fold(
        principal -> AccessDecision.allowed(principal, AccessDecision.Via.BEARER),
        failure -> AccessDecision.refused(refusal(failure)));
  }

  private WebResponse refusal(AuthResult.Failure failure) {
    if (failure.reason() == AuthResult.Reason.UNAVAILABLE) {
      return answers.unavailable();
    }
    return Answers.error(401, "invalid token")
        .withHeader("WWW-Authenticate", challenge + ", error=\"invalid_token\"");
  }

  /** {@code POST {"name", "scopes", "expires_in"}}: 201 {@code {"id", "key"}}. */
  WebResponse create(Principal owner, JsonBody body) {
    Optional<String> name = body.string("name");
    if (name.isEmpty()) {
      return Answers.error(400, "name is a required string");
    }
    Set<String> scopes = new LinkedHashSet<>();
    Optional<Object> scopeMember = body.member("scopes");
    if (scopeMember.isPresent()) {
      if (!(scopeMember.get() instanceof List<?> list) || list.size() > ApiKeys.MAX_SCOPES) {
        return Answers.error(
            400, "scopes must be an array of at most " + ApiKeys.MAX_SCOPES + " strings");
      }
      for (Object scope : list) {
        if (!(scope instanceof String s) || !scopes.add(s)) {
          return Answers.error(400, "scopes must be an array of distinct strings");
        }
      }
    }
    Duration expiresIn = null;
    Optional<Object> expiresMember = body.member("expires_in");
    if (expiresMember.isPresent()) {
      long seconds = wholeSeconds(expiresMember.get());
      long max = keys.maxLifetime().toSeconds();
      if (seconds < ApiKeys.MIN_LIFETIME.toSeconds() || seconds > max) {
        return Answers.error(
            400,
            "expires_in must be whole seconds from "
                + ApiKeys.MIN_LIFETIME.toSeconds()
                + " to "
                + max);
      }
      expiresIn = Duration.ofSeconds(seconds);
    }
    Optional<ApiKeys.Created> created;
    try {
      created = keys.create(owner.subject(), name.get(), scopes, expiresIn);
    } catch (IllegalArgumentException e) {
      // The service's messages name the bound broken, never the value sent.
      return Answers.error(400, e.getMessage());
    }
    if (created.isEmpty()) {
      return Answers.error(409, "too many api keys: revoke one first");
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("id", created.get().id());
    answer.put("key", created.get().key());
    return WebResponse.json(201, answer);
  }

  /** {@code GET}: 200 {@code {"keys": [...]}}, no secret. */
  WebResponse list(Principal owner) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ApiKeys.KeyInfo key : keys.list(owner.subject())) {
      Map<String, Object> k = new LinkedHashMap<>();
      k.put("id", key.id());
      k.put("name", key.name());
      k.put("scopes", key.scopes().stream().sorted().toList());
      k.put("created_at", key.createdAt().toString());
      k.put("expires_at", key.expiresAt().toString());
      k.put("last_used_at", key.lastUsedAt().map(Instant::toString).orElse(null));
      out.add(k);
    }
    return WebResponse.json(200, Map.of("keys", out));
  }

  /** {@code DELETE}: 204, or 404 for a key that is not the owner's live key (whoever's it is). */
  WebResponse revoke(Principal owner, String id) {
    return keys.revoke(owner.subject(), id)
        ? new WebResponse(204, List.of(new WebResponse.Header("Cache-Control", "no-store")), "")
        : Answers.error(404, "no such api key");
  }

  /** A JSON number that is a whole count of seconds, else -1. */
  private static long wholeSeconds(Object value) {
    if (!(value instanceof JsonText.JsonNumber n)
        || n.text().length() > MAX_NUMBER_CHARS
        || !n.text().chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return Long.parseLong(n.text());
  }
}
