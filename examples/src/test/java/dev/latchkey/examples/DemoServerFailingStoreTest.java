package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.RefreshTokenStore;
import dev.latchkey.core.RevocationList;
import dev.latchkey.core.SessionStore;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.OpaqueIds;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stores that throw: every route that needs one answers 503 "unavailable", never 200 or 401. */
class DemoServerFailingStoreTest {
  private DemoServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private DemoHttp start(boolean throttleWorks) throws Exception {
    StoreUnavailableException down = new StoreUnavailableException("test: store down");
    SessionStore sessions = mock(SessionStore.class);
    when(sessions.read(any(), any())).thenThrow(down);
    when(sessions.shardFor(any())).thenThrow(down);
    when(sessions.create(any(), anyInt(), any())).thenThrow(down);
    RevocationList revocations = mock(RevocationList.class);
    when(revocations.isRevoked(anyString(), anyString(), anyString(), any())).thenThrow(down);
    RefreshTokenStore refresh = mock(RefreshTokenStore.class);
    when(refresh.shardFor(any())).thenThrow(down);
    when(refresh.rotate(any(), any(), any())).thenThrow(down);
    LoginThrottle throttle = mock(LoginThrottle.class);
    if (throttleWorks) {
      when(throttle.reserve(anyString(), any())).thenReturn(LoginThrottle.Reservation.grant());
    } else {
      when(throttle.reserve(anyString(), any())).thenThrow(down);
    }
    DemoStores stores =
        new DemoStores("memory", sessions, revocations, refresh, throttle, () -> false, () -> {});
    byte[] secret = DemoServerTest.SECRET.getBytes(StandardCharsets.UTF_8);
    server =
        DemoServer.start(
            new DemoServer.Settings(0, null, DemoServerTest.SECRET, false, 4, Clock.systemUTC()),
            stores,
            secret);
    return new DemoHttp(server.port());
  }

  @Test
  void everyStoreBackedRouteAnswers503() throws Exception {
    DemoHttp http = start(false);
    String sid = OpaqueIds.generate();

    assertUnavailable(http.login("/session-login", "alice", "wonderland"));
    assertUnavailable(http.login("/token-login", "alice", "wonderland"));
    assertUnavailable(http.get("/session-profile", "Cookie", "sid=" + sid));
    assertUnavailable(http.post("/session-logout", "", "Cookie", "sid=" + sid, "X-CSRF-Token", "x"));
    assertUnavailable(http.post("/token-refresh", "{\"refresh_token\":\"" + OpaqueIds.generate() + "\"}"));
    assertUnavailable(http.get("/health"));
  }

  @Test
  void aGoodPasswordWithTheSessionStoreDownIs503NotASession() throws Exception {
    DemoHttp http = start(true);

    HttpResponse<String> r = http.login("/session-login", "alice", "wonderland");

    assertUnavailable(r);
    assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
  }

  private static void assertUnavailable(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.uri().getPath()).isEqualTo(503);
    assertThat(DemoHttp.json(r).get("error").getAsString()).isEqualTo("unavailable");
  }
}
