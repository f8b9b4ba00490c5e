package dev.latchkey.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.latchkey.account.InMemoryOneTimeTokenStore;
import dev.latchkey.account.OneTimeTokens;
import dev.latchkey.account.Outbox;
import dev.latchkey.account.PasswordReset;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.spi.OneTimeTokenStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class WebAuthPasswordResetTest {
  private final WebFixture fx = new WebFixture();
  private final List<Outbox.Message> sent = new CopyOnWriteArrayList<>();

  private WebAuth web(OneTimeTokenStore store) {
    OneTimeTokens tokens =
        OneTimeTokens.builder(store, sent::add).users(fx.users).clock(fx.clock).build();
    PasswordReset reset =
        PasswordReset.builder(
                tokens,
                fx.hasher,
                fx.users::updatePasswordHash,
                subject -> {
                  fx.sessions.logoutEverywhere(subject);
                  fx.refresh.logoutEverywhere(subject);
                })
            .build();
    return fx.web(b -> b.passwordReset(reset));
  }

  private static WebResponse call(WebAuth web, TestRequest request) {
    return web.handle(request).orElseThrow();
  }

  private static TestRequest requestFor(String user) {
    return TestRequest.post("/password-reset/request").json("{\"username\":\"" + user + "\"}");
  }

  private static TestRequest confirm(String token, String password) {
    return TestRequest.post("/password-reset/confirm")
        .json("{\"token\":\"" + token + "\",\"new_password\":\"" + password + "\"}");
  }

  @Test
  void theWholeResetEndsTheOldSessionAndPassword() {
    WebAuth web = web(InMemoryOneTimeTokenStore.create());
    WebFixture.Session session = WebFixture.sessionLogin(web);
    assertThat(call(web, requestFor("alice")).status()).isEqualTo(202);
    String token = sent.get(0).secret();
    for (int i = 0; i < 2; i++) {
      WebResponse peek = call(web, TestRequest.get("/password-reset").query("token=" + token));
      assertThat(peek.status()).isEqualTo(200);
      assertThat(peek.body()).contains("\"valid\":true").contains("\"expires_at\":");
      assertThat(peek.header("Cache-Control")).contains("no-store");
    }
    assertThat(call(web, confirm(token, "through-the-glass")).status()).isEqualTo(200);
    assertThat(
            web.authenticateSession(TestRequest.get("/me").cookie(session.setCookie())).allowed())
        .isFalse();
    assertThat(
            call(
                    web,
                    TestRequest.post("/session-login")
                        .json(WebFixture.login("alice", "wonderland")))
                .status())
        .isEqualTo(401);
    assertThat(
            call(
                    web,
                    TestRequest.post("/session-login")
                        .json(WebFixture.login("alice", "through-the-glass")))
                .status())
        .isEqualTo(200);
    WebResponse again = call(web, confirm(token, "another-password"));
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.body()).contains("\"error\"");
  }

  @Test
  void anUnknownUserGetsTheSameAnswerAndNoLink() {
    WebAuth web = web(InMemoryOneTimeTokenStore.create());
    WebResponse unknown = call(web, requestFor("nobody"));
    WebResponse known = call(web, requestFor("alice"));
    assertThat(unknown.status()).isEqualTo(202);
    assertThat(unknown.body()).isEqualTo(known.body());
    assertThat(sent).hasSize(1);
  }

  @Test
  void aBadOrMissingTokenIsA400InTheErrorFormat() {
    WebAuth web = web(InMemoryOneTimeTokenStore.create());
    for (String query : new String[] {null, "", "token=", "token=abc", "token=a&token=b"}) {
      WebResponse r = call(web, TestRequest.get("/password-reset").query(query));
      assertThat(r.status()).as(String.valueOf(query)).isEqualTo(400);
      assertThat(r.body()).startsWith("{\"error\":");
    }
    assertThat(call(web, confirm("abc", "long-enough-password")).status()).isEqualTo(400);
  }

  @Test
  void aTooShortNewPasswordIsRefusedAndTheLinkStaysUsable() {
    WebAuth web = web(InMemoryOneTimeTokenStore.create());
    call(web, requestFor("alice"));
    String token = sent.get(0).secret();
    WebResponse shortOne = call(web, confirm(token, "short"));
    assertThat(shortOne.status()).isEqualTo(400);
    assertThat(shortOne.body()).contains("too short");
    assertThat(call(web, confirm(token, "long-enough-password")).status()).isEqualTo(200);
  }

  @Test
  void theRoutesAnswerTheirMethodOnlyAndPostsMeetTheOriginGate() {
    WebAuth web = web(InMemoryOneTimeTokenStore.create());
    WebResponse post = call(web, TestRequest.post("/password-reset"));
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.header("Allow")).contains("GET");
    assertThat(call(web, TestRequest.get("/password-reset/confirm")).status()).isEqualTo(405);
    assertThat(call(web, requestFor("alice").crossSite("https://evil.example")).status())
        .isEqualTo(403);
    assertThat(sent).isEmpty();
    assertThat(web.isPublic("/password-reset")).isTrue();
  }

  @Test
  void aFloodForOneUserIsThrottled() {
    WebAuth web = web(InMemoryOneTimeTokenStore.create());
    int throttled = 0;
    for (int i = 0; i < 20; i++) {
      WebResponse r = call(web, requestFor("alice").from("192.0.2." + i));
      if (r.status() == 429) {
        assertThat(r.header("Retry-After")).isPresent();
        throttled++;
      }
    }
    assertThat(throttled).isEqualTo(15);
    assertThat(sent).hasSize(5);
  }

  @Test
  void aStoreThatIsDownIsA503() {
    OneTimeTokenStore down = mock(OneTimeTokenStore.class);
    when(down.shardFor(any())).thenReturn("AAA");
    when(down.find(any(), any())).thenThrow(new StoreUnavailableException("down"));
    WebAuth web = web(down);
    assertThat(call(web, requestFor("nobody")).status()).isEqualTo(503);
    String someToken = "A".repeat(42) + "A.AAA";
    assertThat(call(web, TestRequest.get("/password-reset").query("token=" + someToken)).status())
        .isEqualTo(503);
  }
}
