package dev.latchkey.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.UserAccount;
import dev.latchkey.password.AccountRegistry;
import dev.latchkey.password.HashAlgorithm;
import dev.latchkey.password.PasswordAccounts;
import dev.latchkey.password.PasswordHashers;
import dev.latchkey.password.PasswordPolicy;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class WebAuthPasswordAccountsTest {
  private final WebFixture fx = new WebFixture();
  private final AtomicBoolean storeDown = new AtomicBoolean();
  private final PasswordHashers hashers =
      PasswordHashers.builder().algorithm(new HashAlgorithm.Argon2id(64, 1, 1)).build();

  private final AccountRegistry registry =
      new AccountRegistry() {
        @Override
        public synchronized boolean create(String loginName, String passwordHash) {
          if (storeDown.get()) {
            throw new StoreUnavailableException("down", new RuntimeException());
          }
          if (fx.users.findByLoginName(loginName).isPresent()) {
            return false;
          }
          fx.users.add(
              new UserAccount(loginName, Principal.of(loginName, Set.of("user")), passwordHash));
          return true;
        }

        @Override
        public boolean setPasswordHash(String subject, String passwordHash) {
          return fx.users.updatePasswordHash(subject, passwordHash);
        }
      };

  private final WebAuth web =
      fx.web(
          b ->
              b.passwordAccounts(
                  PasswordAccounts.builder(
                          registry, hashers, PasswordPolicy.builder().build(), fx.passwords)
                      .signOutEverywhere(
                          subject -> {
                            fx.sessions.logoutEverywhere(subject);
                            fx.refresh.logoutEverywhere(subject);
                          })
                      .clock(fx.clock)
                      .build()));

  private WebResponse call(TestRequest request) {
    return web.handle(request).orElseThrow();
  }

  private static TestRequest register(String user, String password) {
    return TestRequest.post("/register")
        .json("{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
  }

  @Test
  void registerIsPublicAndAnswersEachOutcome() {
    assertThat(call(register("bob", "a sea of little stones")).status()).isEqualTo(201);
    assertThat(call(register("bob", "a sea of little stones")).body()).contains("user_exists");
    WebResponse weak = call(register("carol", "carol123"));
    assertThat(weak.status()).isEqualTo(400);
    assertThat(weak.body())
        .isEqualTo(
            "{\"error\":\"password_rejected\",\"reasons\":[\"too_short\",\"contains_username\"]}");
    assertThat(call(TestRequest.post("/register").json("{\"username\":1}")).status())
        .isEqualTo(400);
    assertThat(call(TestRequest.get("/register")).status()).isEqualTo(405);
    storeDown.set(true);
    WebResponse down = call(register("dave", "a sea of little stones"));
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.header("Retry-After")).isPresent();
  }

  @Test
  void aCrossSiteRegistrationIsRefused() {
    assertThat(
            call(register("erin", "a sea of little stones").header("Origin", "https://evil.test"))
                .status())
        .isEqualTo(403);
    assertThat(fx.users.findByLoginName("erin")).isEmpty();
  }

  @Test
  void passwordChangeNeedsTheSessionAndItsCsrfToken() {
    WebFixture.Session s = WebFixture.sessionLogin(web);
    String body =
        "{\"current_password\":\"wonderland\",\"new_password\":\"a sea of little stones\"}";
    assertThat(call(TestRequest.post("/password-change").json(body)).status()).isEqualTo(401);
    assertThat(call(TestRequest.post("/password-change").json(body).cookie(s.setCookie())).status())
        .isEqualTo(403);
    WebResponse changed =
        call(
            TestRequest.post("/password-change")
                .json(body)
                .cookie(s.setCookie())
                .header("X-CSRF-Token", s.csrf()));
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.header("Set-Cookie")).isPresent();
    assertThat(web.authenticateSession(TestRequest.get("/me").cookie(s.setCookie())).allowed())
        .isFalse();
    assertThat(
            web.authenticateSession(
                    TestRequest.get("/me").cookie(changed.header("Set-Cookie").orElseThrow()))
                .allowed())
        .isTrue();
    String stored = fx.users.findByLoginName("alice").orElseThrow().passwordHash();
    assertThat(stored).startsWith("$argon2id$");
  }
}
