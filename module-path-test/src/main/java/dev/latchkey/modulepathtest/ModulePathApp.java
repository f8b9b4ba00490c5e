package dev.latchkey.modulepathtest;

import dev.latchkey.account.ApiKeys;
import dev.latchkey.account.InMemoryApiKeyStore;
import dev.latchkey.account.InMemorySecondFactorStore;
import dev.latchkey.account.SecondFactors;
import dev.latchkey.account.Totp;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.InMemoryUserDirectory;
import dev.latchkey.core.PasswordAuthenticator;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.TokenService.IssuedToken;
import dev.latchkey.core.UserAccount;
import dev.latchkey.core.spi.ApiKeyStore;
import dev.latchkey.core.spi.PendingLoginStore;
import dev.latchkey.core.spi.SecondFactorStore;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.micrometer.LatchkeyMetrics;
import dev.latchkey.oidc.InMemoryPendingLoginStore;
import dev.latchkey.oidc.OidcLogin;
import dev.latchkey.oidc.OidcOutcome;
import dev.latchkey.passkey.InMemoryPasskeyStore;
import dev.latchkey.passkey.Passkeys;
import dev.latchkey.passkey.RelyingParty;
import dev.latchkey.password.HashAlgorithm;
import dev.latchkey.password.PasswordHashers;
import dev.latchkey.redis.RedisStores;
import dev.latchkey.servlet.LatchkeyFilter;
import dev.latchkey.session.LoginOutcome;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.SigningKey;
import dev.latchkey.web.AccessDecision;
import dev.latchkey.web.WebAuth;
import dev.latchkey.web.WebRequest;
import dev.latchkey.web.WebResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.Filter;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Checks a password, logs a session in, issues and verifies an EdDSA token, logs in and checks a
 * cookie through the web layer, counts a session check with Micrometer, verifies an API key and a
 * second factor, and keeps a session, an API key and a second factor on the Redis its one argument
 * names: each step through the public API of Latchkey's modules, run on the module path ({@code
 * ModulePathIT} starts the Redis and this application).
 *
 * <p>Prints one line per step and exits 0 when every step answered as expected; any other answer
 * throws, and the JVM exits non-zero. A library module that fails to export a package, or to
 * require a module its code needs at run time, makes this fail to compile or to run.
 */
public final class ModulePathApp {
  private static final Principal ALICE = Principal.of("alice", Set.of("user"));

  private ModulePathApp() {}

  /**
   * Runs every step.
   *
   * @param args one Redis URL, such as {@code redis://127.0.0.1:6390}
   * @throws IllegalArgumentException when {@code args} is not one URL
   * @throws IllegalStateException when a step fails; the message says which
   */
  public static void main(String[] args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ModulePathApp <redis-url>");
    }
    checkPassword();
    sessionRoundTrip(SessionManager.inMemoryStore(Clock.systemUTC()), "in memory");
    tokenRoundTrip();
    webRoundTrip();
    countWithMicrometer();
    accountRoundTrip(InMemoryApiKeyStore.create(), new InMemorySecondFactorStore(), "in memory");
    oidcRefusals(InMemoryPendingLoginStore.create(), "in memory");
    passkeyCeremony();
    try (RedisStores stores = RedisStores.fromUrl(args[0]).build()) {
      sessionRoundTrip(stores.sessionStore(), "on Redis");
      accountRoundTrip(stores.apiKeyStore(), stores.secondFactorStore(), "on Redis");
      oidcRefusals(stores.pendingLoginStore(), "on Redis");
    }
    System.out.println("module path: every step passed");
  }

  private static void passkeyCeremony() {
    // webauthn4j and its Jackson 3 on the module path: options written, an answer read and refused.
    // Jackson orders the RP entity's members differently from run to run here: look for each.
    Passkeys passkeys =
        Passkeys.builder(
                new InMemoryPasskeyStore(Clock.systemUTC()),
                RelyingParty.forOrigin("https://example.com", "ModulePath"))
            .build();
    String options =
        passkeys
            .registrationOptions("carol", "carol", "Carol", Optional.empty())
            .accepted()
            .orElseThrow()
            .json();
    expect(
        options.contains("\"rp\":{") && options.contains("\"id\":\"example.com\""),
        "creation options name the RP: " + options);
    String forged =
        "{\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"response\":"
            + "{\"clientDataJSON\":\"e30\",\"authenticatorData\":\"AAAA\",\"signature\":\"AAAA\"}}";
    expect(passkeys.login(forged).accepted().isEmpty(), "a forged passkey answer is refused");
    System.out.println("passkey: options written and a forged answer refused");
  }

  private static void checkPassword() {
    // The lowest cost bCrypt allows: the point is that jBCrypt loads, not that hashing is slow.
    PasswordHasher hasher = PasswordHasher.bcrypt(4);
    String hash = hasher.hash("correct horse".toCharArray());
    expect(hasher.verify("correct horse".toCharArray(), hash), "bcrypt accepts the password");
    expect(!hasher.verify("wrong horse".toCharArray(), hash), "bcrypt refuses a wrong password");
    System.out.println("password: bcrypt verified");
    // Argon2id through Bouncy Castle's named module, and the bCrypt hash read by the same verifier.
    PasswordHashers hashers =
        PasswordHashers.builder().algorithm(new HashAlgorithm.Argon2id(64, 1, 1)).build();
    String argon2 = hashers.hash("correct horse".toCharArray());
    expect(hashers.verify("correct horse".toCharArray(), argon2), "argon2id accepts the password");
    expect(hashers.verify("correct horse".toCharArray(), hash), "argon2id hashers read bcrypt");
    expect(hashers.needsRehash(hash), "a bcrypt hash is due for a rehash");
    System.out.println("password: argon2id verified");
  }

  private static void accountRoundTrip(
      ApiKeyStore keyStore, SecondFactorStore factorStore, String where) {
    ApiKeys keys = ApiKeys.builder(keyStore).build();
    String subject = "bob-" + UUID.randomUUID();
    String key = keys.create(subject, "ci", Set.of("read"), null).orElseThrow().key();
    AuthResult verified = keys.verify(key);
    expect(
        verified.principal().map(ApiKeys::scopes).equals(Optional.of(Set.of("read"))),
        "an API key " + where + " verifies with its scopes, got " + verified);

    byte[] sealKey = new byte[32];
    new SecureRandom().nextBytes(sealKey);
    SecondFactors factors = SecondFactors.builder(factorStore, "ModulePath", "k1", sealKey).build();
    SecondFactors.Enrollment enrollment = factors.enroll(subject, subject).value().orElseThrow();
    List<String> recovery =
        factors
            .activate(subject, Totp.DEFAULT.code(enrollment.secret(), Instant.now()))
            .value()
            .orElseThrow(() -> new IllegalStateException("TOTP activation " + where + " refused"));
    expect(factors.verify(subject, recovery.get(0)).succeeded(), "a recovery code " + where);
    expect(
        !factors.verify(subject, recovery.get(0)).succeeded(),
        "a recovery code " + where + " is good once");
    System.out.println("account " + where + ": API key and second factor passed");
  }

  /**
   * The OpenID sign-in loads the Nimbus OAuth 2.0 SDK as an automatic module: a provider that does
   * not answer is UNAVAILABLE, an unknown state is refused after the store was asked.
   */
  private static void oidcRefusals(PendingLoginStore store, String where) {
    OidcLogin oidc =
        OidcLogin.builder(
                URI.create("http://127.0.0.1:9/nobody"),
                "module-path",
                "module-path-secret",
                URI.create("http://127.0.0.1:8080/oidc/callback"),
                store)
            .timeouts(Duration.ofMillis(500), Duration.ofMillis(500))
            .build();
    expect(
        oidc.begin("192.0.2.1")
            .refusal()
            .map(OidcOutcome.Refused::problem)
            .equals(Optional.of(OidcOutcome.Problem.UNAVAILABLE)),
        "a provider that does not answer " + where + " is unavailable");
    expect(
        oidc.complete("state=" + "A".repeat(43) + ".AAA&code=c", "b")
            .refusal()
            .map(OidcOutcome.Refused::problem)
            .equals(Optional.of(OidcOutcome.Problem.INVALID_STATE)),
        "an unknown state " + where + " is refused");
    System.out.println("oidc " + where + ": refusals passed");
  }

  private static void sessionRoundTrip(SessionStore store, String where) {
    SessionManager sessions = SessionManager.builder(store).build();
    LoginOutcome outcome = sessions.login(ALICE, Map.of());
    String id =
        outcome
            .created()
            .orElseThrow(
                () -> new IllegalStateException("session login " + where + " refused: " + outcome))
            .id();
    AuthResult result = sessions.authenticate(new SessionCookie(id));
    expect(
        result.principal().map(Principal::subject).equals(Optional.of("alice")),
        "the session " + where + " authenticates alice, got " + result);
    expect(sessions.logout(id), "logout " + where + " ends the session");
    expect(
        sessions.authenticate(new SessionCookie(id)).failure().isPresent(),
        "a logged-out session " + where + " is refused");
    System.out.println("session " + where + ": login, check and logout passed");
  }

  private static void tokenRoundTrip() {
    // EdDSA: Nimbus signs Ed25519 through Tink, the dependency most likely to be missing.
    JwtTokenService tokens =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.generateEd25519("module-path")), "https://issuer", "api")
            .revocationList(JwtTokenService.inMemoryRevocationList(Clock.systemUTC()))
            .build();
    IssuedToken token = tokens.issue(ALICE);
    expect(
        tokens
            .verify(token.value())
            .principal()
            .map(Principal::subject)
            .equals(Optional.of("alice")),
        "the EdDSA token verifies as alice");
    expect(tokens.revoke(token.value()), "the token is revoked");
    expect(tokens.verify(token.value()).failure().isPresent(), "a revoked token is refused");
    System.out.println("token: EdDSA issue, verify and revoke passed");
  }

  private static void webRoundTrip() {
    InMemoryUserDirectory users = InMemoryUserDirectory.create();
    PasswordHasher hasher = PasswordHasher.bcrypt(4);
    users.add(new UserAccount("alice", ALICE, hasher.hash("wonderland".toCharArray())));
    WebAuth web =
        WebAuth.builder()
            .passwords(PasswordAuthenticator.builder(users, hasher).build())
            .sessions(
                SessionManager.builder(SessionManager.inMemoryStore(Clock.systemUTC())).build())
            .build();
    WebResponse login =
        web.handle(
                request(
                    "POST",
                    "/session-login",
                    Map.of("content-type", "application/json"),
                    "{\"username\":\"alice\",\"password\":\"wonderland\"}"))
            .orElseThrow();
    expect(login.status() == 200, "the web layer logs alice in, got " + login);
    String setCookie = login.header("Set-Cookie").orElseThrow();
    AccessDecision decision =
        web.authenticate(
            request(
                "GET",
                "/profile",
                Map.of("cookie", setCookie.substring(0, setCookie.indexOf(';'))),
                ""));
    expect(
        decision.principal().map(Principal::subject).equals(Optional.of("alice")),
        "the web layer lets alice's cookie through, got " + decision);
    System.out.println("web: login and cookie check passed");

    // Loading the filter links it against jakarta.servlet, which its descriptor must read.
    Filter filter = new LatchkeyFilter(web);
    expect(filter.toString().startsWith("LatchkeyFilter["), "the servlet filter loads");
    System.out.println("servlet: filter loaded");
  }

  private static WebRequest request(
      String method, String path, Map<String, String> headers, String body) {
    return new WebRequest() {
      @Override
      public String method() {
        return method;
      }

      @Override
      public String path() {
        return path;
      }

      @Override
      public List<String> headers(String name) {
        String value = headers.get(name.toLowerCase(Locale.ROOT));
        return value == null ? List.of() : List.of(value);
      }

      @Override
      public String clientAddress() {
        return "127.0.0.1";
      }

      @Override
      public InputStream body() {
        return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
      }
    };
  }

  private static void countWithMicrometer() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SessionManager sessions =
        SessionManager.builder(SessionManager.inMemoryStore(Clock.systemUTC()))
            .listener(LatchkeyMetrics.builder(registry).build())
            .build();
    sessions.authenticate(new SessionCookie("not a session id"));
    double refused =
        registry
            .get("latchkey.authentications")
            .tags("method", "session", "reason", "MALFORMED")
            .counter()
            .count();
    expect(refused == 1, "the refused session check is counted once, got " + refused);
    System.out.println("metrics: a session check counted");
  }

  private static void expect(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("failed: " + what);
    }
  }
}
