package dev.latchkey.examples.sessions;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.examples.passwords.PasswordLoginExample;
import dev.latchkey.session.LoginOutcome;
import dev.latchkey.session.SessionManager;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The session lifecycle: login gives a fresh id, the cookie authenticates, rotation on privilege
 * change kills the old id, logout kills the new one, and "log out everywhere" ends every session.
 *
 * <p>Run: {@code mvn -B -q package -DskipTests && java -cp examples/target/latchkey-demo.jar
 * dev.latchkey.examples.sessions.SessionFlowExample}
 */
public final class SessionFlowExample {
  private SessionFlowExample() {}

  public static void main(String[] args) {
    SessionManager sessions =
        SessionManager.builder(SessionManager.inMemoryStore(Clock.systemUTC()))
            .idleTimeout(Duration.ofMinutes(30))
            .absoluteTimeout(Duration.ofHours(8))
            .build();
    Principal alice = Principal.of("alice", Set.of("user"));

    // login: a fresh 256-bit id, returned once, for the Set-Cookie header; a refusal (the cap on
    // sessions per user under REFUSE_NEW, or the store down) is an AuthResult.Failure
    LoginOutcome laptop = sessions.login(alice, Map.of("user_agent", "laptop"));
    if (laptop.failure().isPresent()) {
      System.out.println("login refused:          " + describe(laptop.failure().get()));
      return;
    }
    String sid = laptop.created().orElseThrow().id();
    System.out.println("login -> cookie value of " + sid.length() + " chars");

    // a CSRF token for the session's forms, checked from the cookie value on each POST
    String csrf = sessions.csrfToken(sid).orElseThrow();
    System.out.println("CSRF token passes:      " + sessions.checkCsrf(sid, csrf));
    System.out.println(
        "cookie check:           " + describe(sessions.authenticate(new SessionCookie(sid))));

    // privilege change (step-up): a new id, the same session; the old id is dead at once
    String rotated = sessions.rotate(sid).orElseThrow();
    System.out.println(
        "after rotate, old id:   " + describe(sessions.authenticate(new SessionCookie(sid))));
    System.out.println(
        "after rotate, new id:   " + describe(sessions.authenticate(new SessionCookie(rotated))));
    System.out.println("old CSRF token passes:  " + sessions.checkCsrf(rotated, csrf));

    // a second device, listed on a "your sessions" page
    String phone =
        sessions.login(alice, Map.of("user_agent", "phone")).created().orElseThrow().id();
    sessions
        .admin()
        .sessionsOf("alice")
        .forEach(
            s ->
                System.out.println(
                    "active session:         "
                        + s.attributes().get("user_agent")
                        + ", created "
                        + s.createdAt()));

    // logout ends one session; logout everywhere ends the rest
    sessions.logout(rotated);
    System.out.println(
        "after logout:           " + describe(sessions.authenticate(new SessionCookie(rotated))));
    int ended = sessions.admin().logoutEverywhere("alice");
    System.out.println(
        "logout everywhere ended "
            + ended
            + "; phone: "
            + describe(sessions.authenticate(new SessionCookie(phone))));

    // a forged or garbled cookie never reaches the store
    System.out.println(
        "garbage cookie:         " + describe(sessions.authenticate(new SessionCookie("x; DROP"))));
  }

  static String describe(AuthResult result) {
    return PasswordLoginExample.describe(result);
  }
}
