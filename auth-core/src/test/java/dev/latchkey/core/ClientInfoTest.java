package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientInfoTest {
  private static final ClientInfo BROWSER = new ClientInfo("203.0.113.7", "Mozilla/5.0");
  private static final ClientInfo PROXY = new ClientInfo("2001:db8::1", null);

  private final TestClock clock = TestClock.atNow();
  private final BcryptPasswordHasher bcrypt = BcryptPasswordHasher.withCost(4);
  private final List<AuthEvent> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void noScopeLeaks() {
    assertThat(ClientInfo.current()).isEmpty();
  }

  @Test
  void eventsEmittedInsideAScopeCarryItsClient() {
    PasswordAuthenticator passwords = passwords();

    AuthResult result =
        ClientInfo.during(
            BROWSER,
            () -> passwords.authenticate(PasswordCredentials.of("alice", "s3cret!".toCharArray())));

    assertThat(result.succeeded()).isTrue();
    assertThat(events).singleElement().satisfies(e -> assertThat(e.client()).contains(BROWSER));
  }

  @Test
  void eventsEmittedOutsideAnyScopeCarryNoClient() {
    PasswordAuthenticator passwords = passwords();

    passwords.authenticate(PasswordCredentials.of("alice", "wrong".toCharArray()));

    assertThat(events).singleElement().satisfies(e -> assertThat(e.client()).isEmpty());
    assertThat(new AuthEvent.Revoked(Instant.EPOCH, "user-1", "access token").client()).isEmpty();
  }

  @Test
  void everyEventKindTakesTheCurrentClient() {
    List<AuthEvent> made =
        ClientInfo.during(
            PROXY,
            () ->
                List.of(
                    new AuthEvent.Succeeded(Instant.EPOCH, "u", "session"),
                    new AuthEvent.Failed(Instant.EPOCH, null, "bearer", AuthResult.Reason.EXPIRED),
                    new AuthEvent.LoggedOut(Instant.EPOCH, "u", "session", true),
                    new AuthEvent.Revoked(Instant.EPOCH, "u", "refresh token reuse")));

    assertThat(made).allSatisfy(e -> assertThat(e.client()).contains(PROXY));
  }

  @Test
  void anInnerScopeWinsAndTheOuterOneIsRestoredAfterIt() {
    List<Optional<ClientInfo>> seen = new CopyOnWriteArrayList<>();

    ClientInfo.during(
        BROWSER,
        () -> {
          seen.add(ClientInfo.current());
          ClientInfo.during(PROXY, () -> seen.add(ClientInfo.current()));
          seen.add(ClientInfo.current());
          return null;
        });

    assertThat(seen)
        .containsExactly(Optional.of(BROWSER), Optional.of(PROXY), Optional.of(BROWSER));
    assertThat(ClientInfo.current()).isEmpty();
  }

  @Test
  void anExceptionInTheWorkStillRestoresThePreviousClient() {
    ClientInfo.during(
        BROWSER,
        () -> {
          assertThatThrownBy(
                  () ->
                      ClientInfo.during(
                          PROXY,
                          () -> {
                            throw new IllegalStateException("boom");
                          }))
              .isInstanceOf(IllegalStateException.class);
          assertThat(ClientInfo.current()).contains(BROWSER);
          return null;
        });

    assertThatThrownBy(
            () ->
                ClientInfo.during(
                    BROWSER,
                    () -> {
                      throw new IllegalArgumentException("boom");
                    }))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ClientInfo.current()).isEmpty();
  }

  @Test
  void theScopeDoesNotReachAnotherThread() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<Optional<ClientInfo>> elsewhere =
          ClientInfo.during(BROWSER, () -> executor.submit(ClientInfo::current));

      assertThat(elsewhere.get()).isEmpty();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void aPasswordEventOutsideAScopeFallsBackToTheCredentialsAddress() {
    PasswordAuthenticator passwords = passwords();

    passwords.authenticate(PasswordCredentials.of("alice", "wrong".toCharArray(), "192.0.2.4"));
    ClientInfo.during(
        BROWSER,
        () ->
            passwords.authenticate(
                PasswordCredentials.of("alice", "wrong".toCharArray(), "192.0.2.4")));

    assertThat(events)
        .extracting(AuthEvent::client)
        .containsExactly(Optional.of(new ClientInfo("192.0.2.4", null)), Optional.of(BROWSER));
  }

  @Test
  void aPasswordEventWithAnUnusableAddressHasNoClientButTheLoginStillWorks() {
    PasswordAuthenticator passwords = passwords();

    AuthResult result =
        passwords.authenticate(
            PasswordCredentials.of("alice", "s3cret!".toCharArray(), "x".repeat(65)));

    assertThat(result.succeeded()).isTrue();
    assertThat(events).singleElement().satisfies(e -> assertThat(e.client()).isEmpty());
  }

  @Test
  void controlAndFormattingCharactersAreRemoved() {
    ClientInfo client =
        new ClientInfo(" 203.0.113.7\r\n", "Evil\nAgent\u001b[31m\u202e/1.0\u2028\u0085\udc00");

    assertThat(client.address()).isEqualTo("203.0.113.7");
    assertThat(client.userAgent()).isEqualTo("EvilAgent[31m/1.0");
  }

  @Test
  void theUserAgentIsCutTo256CharsWithoutSplittingASurrogatePair() {
    String emoji = "\uD83D\uDE00"; // two chars, one code point
    ClientInfo cutAtAPair = new ClientInfo("192.0.2.1", "a".repeat(255) + emoji);
    ClientInfo cutPlain = new ClientInfo("192.0.2.1", "b".repeat(1000));

    assertThat(cutAtAPair.userAgent()).isEqualTo("a".repeat(255));
    assertThat(cutPlain.userAgent()).hasSize(ClientInfo.MAX_USER_AGENT_LENGTH);
  }

  @Test
  void anEmptyOrAbsentUserAgentIsNone() {
    assertThat(new ClientInfo("192.0.2.1", null).userAgent()).isNull();
    assertThat(new ClientInfo("192.0.2.1", " \t").userAgent()).isNull();
  }

  @Test
  void anAddressMustBePresentAndShort() {
    assertThatThrownBy(() -> new ClientInfo(null, "ua"))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("address");
    assertThatThrownBy(() -> new ClientInfo("\n\r ", "ua"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> new ClientInfo("1".repeat(65), "ua"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64");
    assertThat(new ClientInfo("1".repeat(64), null).address()).hasSize(64);
  }

  @Test
  void duringRefusesNulls() {
    assertThatThrownBy(() -> ClientInfo.during(null, () -> 1))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ClientInfo.during(BROWSER, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void anEventGivenAClientExplicitlyKeepsIt() {
    AuthEvent.Failed failed =
        ClientInfo.during(
            BROWSER,
            () ->
                new AuthEvent.Failed(
                    Instant.EPOCH, null, "bearer", AuthResult.Reason.MALFORMED, Optional.empty()));

    assertThat(failed.client()).isEmpty();
    assertThatThrownBy(() -> new AuthEvent.Succeeded(Instant.EPOCH, "u", "session", nullClient()))
        .isInstanceOf(NullPointerException.class);
  }

  private static Optional<ClientInfo> nullClient() {
    return null;
  }

  private PasswordAuthenticator passwords() {
    InMemoryUserDirectory directory = InMemoryUserDirectory.create();
    directory.add(
        new UserAccount(
            "alice", Principal.of("user-1", Set.of()), bcrypt.hash("s3cret!".toCharArray())));
    return PasswordAuthenticator.builder(directory, bcrypt)
        .throttle(
            InMemoryLoginThrottle.builder(
                    new ThrottlePolicy(
                        5, 10, Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofHours(1)))
                .clock(clock)
                .build())
        .listener(events::add)
        .clock(clock)
        .build();
  }
}
