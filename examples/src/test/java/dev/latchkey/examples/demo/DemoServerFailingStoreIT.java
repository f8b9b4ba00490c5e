package dev.latchkey.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.spi.RefreshTokenStore;
import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.token.JwtTokenService;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stores that throw: every route that needs one answers 503 "unavailable", never 200 or 401. */
class DemoServerFailingStoreIT {
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
    when(revocations.isRevoked(anyString(), anyString(), anyString(), any(), any()))
        .thenThrow(down);
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
        new DemoStores(
            "memory", sessions, revocations, refresh, refresh, throttle, () -> false, () -> {});
    byte[] secret = DemoServerIT.SECRET.getBytes(StandardCharsets.UTF_8);
    server =
        DemoServer.start(
            new DemoSettings(0, null, DemoServerIT.SECRET, false, 4, Clock.systemUTC()),
            stores,
            secret);
    return new DemoHttp(server.port());
  }

  @Test
  void everyStoreBackedRouteAnswers503() throws Exception {
    DemoHttp http = start(false);
    String sid = DemoHttp.unknownOpaqueId();

    assertUnavailable(http.login("/session-login", "alice", "wonderland"));
    assertUnavailable(http.login("/token-login", "alice", "wonderland"));
    assertUnavailable(http.get("/session-profile", "Cookie", "sid=" + sid));
    assertUnavailable(
        http.post("/session-logout", "", "Cookie", "sid=" + sid, "X-CSRF-Token", "x"));
    assertUnavailable(
        http.post("/token-refresh", "{\"refresh_token\":\"" + DemoHttp.unknownOpaqueId() + "\"}"));
    assertUnavailable(http.get("/health"));
  }

  @Test
  void aGoodPasswordWithTheSessionStoreDownIs503NotASession() throws Exception {
    DemoHttp http = start(true);

    HttpResponse<String> r = http.login("/session-login", "alice", "wonderland");

    assertUnavailable(r);
    assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
  }

  /**
   * A store that goes down and comes back is logged twice: once when the first answer finds it
   * unreachable, once when it answers again; the 20 requests in between add nothing.
   */
  @Test
  void anOutageAndItsRecoveryAreLoggedOnceEach() throws Exception {
    AtomicBoolean down = new AtomicBoolean(true);
    StoreUnavailableException unreachable = new StoreUnavailableException("test: store down");
    SessionStore sessions = mock(SessionStore.class);
    when(sessions.read(any(), any()))
        .thenAnswer(
            call -> {
              if (down.get()) {
                throw unreachable;
              }
              return Optional.empty();
            });
    DemoStores stores =
        new DemoStores(
            "memory",
            sessions,
            mock(RevocationList.class),
            mock(RefreshTokenStore.class),
            mock(RefreshTokenStore.class),
            mock(LoginThrottle.class),
            () -> !down.get(),
            () -> {});
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger("dev.latchkey.examples.demo.StoreWatch");
    logger.addHandler(capture);
    try {
      server =
          DemoServer.start(
              new DemoSettings(0, null, DemoServerIT.SECRET, false, 4, Clock.systemUTC()),
              stores,
              DemoServerIT.SECRET.getBytes(StandardCharsets.UTF_8));
      DemoHttp http = new DemoHttp(server.port());
      String cookie = "sid=" + DemoHttp.unknownOpaqueId();

      for (int i = 0; i < 20; i++) {
        assertThat(http.get("/session-profile", "Cookie", cookie).statusCode()).isEqualTo(503);
      }
      assertThat(http.get("/health").statusCode()).isEqualTo(503);
      assertThat(records).hasSize(1);
      assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
      assertThat(records.get(0).getMessage()).contains("unreachable");

      down.set(false);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (records.size() < 2 && System.nanoTime() < until) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      for (int i = 0; i < 20; i++) {
        assertThat(http.get("/session-profile", "Cookie", cookie).statusCode()).isEqualTo(401);
      }
      assertThat(records).hasSize(2);
      assertThat(records.get(1).getMessage()).contains("reachable again");
    } finally {
      logger.removeHandler(capture);
    }
  }

  /**
   * "Log out everywhere" while the revocation list cannot be written: the answer says so (503), yet
   * the refresh families are ended, so the refresh token no longer rotates.
   */
  @Test
  void logoutEverywhereWithTheRevocationListDownStillEndsRefreshFamilies() throws Exception {
    Clock clock = Clock.systemUTC();
    RevocationList readable = JwtTokenService.inMemoryRevocationList(clock);
    RevocationList unwritable = mock(RevocationList.class);
    StoreUnavailableException down = new StoreUnavailableException("test: list down");
    when(unwritable.isRevoked(any(), any(), any(), any(), any()))
        .thenAnswer(
            i ->
                readable.isRevoked(
                    i.getArgument(0),
                    i.getArgument(1),
                    i.getArgument(2),
                    i.getArgument(3),
                    i.getArgument(4)));
    doThrow(down).when(unwritable).revokeSubject(any(), any(), any());
    doThrow(down).when(unwritable).revokeFamily(any(), any(), any(), any());
    DemoStores memory = DemoStores.inMemory(clock);
    DemoStores stores =
        new DemoStores(
            "memory",
            memory.sessions(),
            unwritable,
            memory.refreshTokens(),
            memory.rememberMe(),
            memory.throttle(),
            () -> true,
            () -> {});
    byte[] secret = DemoServerIT.SECRET.getBytes(StandardCharsets.UTF_8);
    server =
        DemoServer.start(
            new DemoSettings(0, null, DemoServerIT.SECRET, false, 4, clock), stores, secret);
    DemoHttp http = new DemoHttp(server.port());
    HttpResponse<String> login = http.login("/token-login", "alice", "wonderland");
    String access = DemoHttp.json(login).get("access_token").getAsString();
    String refresh = DemoHttp.json(login).get("refresh_token").getAsString();

    assertUnavailable(http.post("/logout-everywhere", "", "Authorization", "Bearer " + access));

    assertThat(http.post("/token-refresh", "{\"refresh_token\":\"" + refresh + "\"}").statusCode())
        .isEqualTo(401);
  }

  private static void assertUnavailable(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.uri().getPath()).isEqualTo(503);
    assertThat(DemoHttp.json(r).get("error").getAsString()).isEqualTo("unavailable");
    assertThat(r.headers().firstValue("Retry-After"))
        .as("a 503 says when to come back")
        .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
  }
}
