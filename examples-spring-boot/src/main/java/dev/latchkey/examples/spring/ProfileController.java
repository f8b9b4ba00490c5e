package dev.latchkey.examples.spring;

import dev.latchkey.core.Principal;
import dev.latchkey.servlet.LatchkeyRequests;
import dev.latchkey.web.AccessDecision;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application's own routes. None of them checks a credential: the filter did, and refused every
 * request without one before it got here. The profile routes only choose which kind of credential
 * they accept.
 */
@RestController
public class ProfileController {
  /** The realm of {@code WebAuth}'s own bearer challenges, which it keeps at its default. */
  private static final String BEARER_CHALLENGE = "Bearer realm=\"latchkey\"";

  /** Spring instantiates it; it has no state. */
  public ProfileController() {}

  /**
   * {@code GET /session-profile}: the caller's name and roles, for a caller logged in by session
   * cookie. A bearer token is refused here (401), even a valid one: this route is the browser's.
   *
   * @param request the request the filter let through
   * @return {@code {"username", "roles"}}, or 401 {@code {"error"}}
   */
  @GetMapping("/session-profile")
  public ResponseEntity<Map<String, Object>> sessionProfile(HttpServletRequest request) {
    return caller(request, AccessDecision.Via.SESSION)
        .map(ProfileController::profile)
        .orElseGet(() -> refused("not logged in", null));
  }

  /**
   * {@code GET /token-profile}: the caller's name and roles, for a caller with a bearer token. A
   * session cookie is refused here (401 with a {@code Bearer} challenge): this route is the API's.
   *
   * @param request the request the filter let through
   * @return {@code {"username", "roles"}}, or 401 {@code {"error"}}
   */
  @GetMapping("/token-profile")
  public ResponseEntity<Map<String, Object>> tokenProfile(HttpServletRequest request) {
    return caller(request, AccessDecision.Via.BEARER)
        .map(ProfileController::profile)
        .orElseGet(() -> refused("no bearer token", BEARER_CHALLENGE));
  }

  /**
   * {@code GET /health}: public (a {@code WebAuth} public path), for a load balancer.
   *
   * @return {@code {"status": "ok", "store": "memory"}}
   */
  @GetMapping("/health")
  public Map<String, String> health() {
    return Map.of("status", "ok", "store", "memory");
  }

  /** The principal, when the filter let the request through by the wanted kind of credential. */
  private static Optional<Principal> caller(HttpServletRequest request, AccessDecision.Via via) {
    AccessDecision decision =
        LatchkeyRequests.decision(request)
            .orElseThrow(
                () -> new IllegalStateException("LatchkeyFilter is not in front of this route"));
    return decision.via().filter(via::equals).flatMap(v -> decision.principal());
  }

  private static ResponseEntity<Map<String, Object>> profile(Principal principal) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("username", principal.subject());
    body.put("roles", List.copyOf(new TreeSet<>(principal.roles())));
    return ResponseEntity.ok(body);
  }

  private static ResponseEntity<Map<String, Object>> refused(String error, String challenge) {
    ResponseEntity.BodyBuilder answer = ResponseEntity.status(HttpStatus.UNAUTHORIZED);
    if (challenge != null) {
      answer.header(HttpHeaders.WWW_AUTHENTICATE, challenge);
    }
    return answer.body(Map.of("error", error));
  }
}
