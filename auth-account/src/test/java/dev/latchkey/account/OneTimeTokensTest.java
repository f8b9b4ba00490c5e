package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.InMemoryUserDirectory;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.UserAccount;
import dev.latchkey.core.spi.OneTimeTokenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OneTimeTokensTest {
  private final TestClock clock = TestClock.atNow();
  private final List<Outbox.Message> sent = new CopyOnWriteArrayList<>();
  private final List<AuthEvent> events = new CopyOnWriteArrayList<>();
  private InMemoryOneTimeTokenStore store;
  private OneTimeTokens tokens;
  private ExecutorService pool;

  @BeforeEach
  void setUp() {
    store = InMemoryOneTimeTokenStore.create();
    InMemoryUserDirectory users =
        InMemoryUserDirectory.create()
            .add(new UserAccount("alice", Principal.of("alice", Set.of("user")), "x"));
    tokens =
        OneTimeTokens.builder(store, sent::add)
            .clock(clock)
            .listener(events::add)
            .users(users)
            .build();
    pool = Executors.newFixedThreadPool(8);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  private String issue(Purpose purpose, String subject) {
    assertThat(tokens.issue(purpose, subject, "10.0.0.1").succeeded()).isTrue();
    return sent.get(sent.size() - 1).secret();
  }

  private static AuthResult.Reason reason(TokenOutcome outcome) {
    return outcome.failure().orElseThrow().reason();
  }

  @Test
  void anIssuedTokenIsDeliveredAndVerifiesOnce() {
    String token = issue(Purpose.PASSWORD_RESET, "alice");
    Outbox.Message message = sent.get(0);
    assertThat(message.subject()).isEqualTo("alice");
    assertThat(message.purpose()).isEqualTo("password_reset");
    assertThat(message.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
    assertThat(token).hasSize(47).matches("[A-Za-z0-9_.-]+");
    TokenOutcome used = tokens.consume(Purpose.PASSWORD_RESET, token);
    assertThat(used.valid().orElseThrow().subject()).isEqualTo("alice");
    assertThat(reason(tokens.consume(Purpose.PASSWORD_RESET, token)))
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
  }

  @Test
  void peekingNeverConsumesSoLinkScannersCannotBurnAToken() {
    String token = issue(Purpose.MAGIC_LINK, "alice");
    for (int i = 0; i < 10; i++) {
      assertThat(tokens.peek(Purpose.MAGIC_LINK, token).succeeded()).isTrue();
    }
    assertThat(tokens.consume(Purpose.MAGIC_LINK, token).succeeded()).isTrue();
    assertThat(tokens.peek(Purpose.MAGIC_LINK, token).succeeded()).isFalse();
  }

  @Test
  void aTokenOfOnePurposeNeverVerifiesForAnother() {
    String token = issue(Purpose.EMAIL_VERIFICATION, "alice");
    assertThat(reason(tokens.peek(Purpose.PASSWORD_RESET, token)))
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
    assertThat(reason(tokens.consume(Purpose.PASSWORD_RESET, token)))
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
    assertThat(reason(tokens.consume(Purpose.MAGIC_LINK, token)))
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
    // The confused attempts did not burn it for its own purpose.
    assertThat(tokens.consume(Purpose.EMAIL_VERIFICATION, token).succeeded()).isTrue();
  }

  @Test
  void anExpiredTokenIsRefusedAsExpired() {
    String token = issue(Purpose.PASSWORD_RESET, "alice");
    clock.advance(Duration.ofMinutes(30));
    assertThat(reason(tokens.peek(Purpose.PASSWORD_RESET, token)))
        .isEqualTo(AuthResult.Reason.EXPIRED);
    assertThat(reason(tokens.consume(Purpose.PASSWORD_RESET, token)))
        .isEqualTo(AuthResult.Reason.EXPIRED);
  }

  @Test
  void malformedTokensAreRefusedWithoutAStoreLookup() {
    for (String bad : new String[] {null, "", "x", "a".repeat(47), "a".repeat(4000)}) {
      assertThat(reason(tokens.peek(Purpose.PASSWORD_RESET, bad)))
          .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
      assertThat(reason(tokens.consume(Purpose.PASSWORD_RESET, bad)))
          .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
    }
  }

  @Test
  void concurrentConsumesOfOneTokenHaveExactlyOneWinner() throws Exception {
    int threads = 8;
    for (int round = 0; round < 30; round++) {
      String token = issue(Purpose.MAGIC_LINK.withMaxOutstanding(20), "bob" + round);
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return tokens.consume(Purpose.MAGIC_LINK, token).succeeded();
                }));
      }
      int winners = 0;
      for (Future<Boolean> f : results) {
        winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(winners).as("round %d", round).isEqualTo(1);
    }
  }

  @Test
  void aNewTokenEndsTheOldestPastMaxOutstanding() {
    String first = issue(Purpose.PASSWORD_RESET, "alice");
    clock.advance(Duration.ofSeconds(1));
    String second = issue(Purpose.PASSWORD_RESET, "alice");
    clock.advance(Duration.ofSeconds(1));
    String third = issue(Purpose.PASSWORD_RESET, "alice");
    clock.advance(Duration.ofSeconds(1));
    String fourth = issue(Purpose.PASSWORD_RESET, "alice");
    assertThat(tokens.peek(Purpose.PASSWORD_RESET, first).succeeded()).isFalse();
    for (String live : List.of(second, third, fourth)) {
      assertThat(tokens.peek(Purpose.PASSWORD_RESET, live).succeeded()).isTrue();
    }
  }

  @Test
  void aFloodOfRequestsForOneUserIsThrottledAndLeavesBoundedState() {
    int refused = 0;
    for (int i = 0; i < 200; i++) {
      var answer = tokens.request(Purpose.PASSWORD_RESET, "alice", "10.0.0." + (i % 250));
      if (answer.isPresent()) {
        assertThat(answer.get().reason()).isEqualTo(AuthResult.Reason.LOCKED);
        assertThat(answer.get().retryAt()).isPresent();
        refused++;
      }
    }
    assertThat(sent).hasSize(5);
    assertThat(refused).isEqualTo(195);
    assertThat(store.size()).isLessThanOrEqualTo(Purpose.PASSWORD_RESET.maxOutstanding());
  }

  @Test
  void oneAddressAskingForManyUsersIsThrottled() {
    long locked = 0;
    for (int i = 0; i < 60; i++) {
      locked +=
          tokens.request(Purpose.PASSWORD_RESET, "user" + i, "10.9.9.9").stream()
              .filter(f -> f.reason() == AuthResult.Reason.LOCKED)
              .count();
    }
    assertThat(locked).isEqualTo(10);
  }

  @Test
  void aRequestForAnUnknownNameAnswersTheSameAndDeliversNothing() {
    assertThat(tokens.request(Purpose.PASSWORD_RESET, "mallory", "10.0.0.1")).isEmpty();
    assertThat(sent).isEmpty();
    assertThat(store.size()).isZero();
    assertThat(tokens.request(Purpose.PASSWORD_RESET, "alice", "10.0.0.1")).isEmpty();
    assertThat(sent).hasSize(1);
  }

  @Test
  void anUnknownNameIsThrottledLikeAKnownOne() {
    for (int i = 0; i < 5; i++) {
      assertThat(tokens.request(Purpose.PASSWORD_RESET, "mallory", null)).isEmpty();
      assertThat(tokens.request(Purpose.PASSWORD_RESET, "alice", null)).isEmpty();
    }
    assertThat(tokens.request(Purpose.PASSWORD_RESET, "mallory", null)).isPresent();
    assertThat(tokens.request(Purpose.PASSWORD_RESET, "alice", null)).isPresent();
  }

  @Test
  void aRightCodeVerifiesOnceWithItsBindingOnly() {
    assertThat(tokens.issueCode(Purpose.EMAIL_CODE, "alice", "pending-1", null).succeeded())
        .isTrue();
    String code = sent.get(0).secret();
    assertThat(code).matches("[0-9]{6}");
    assertThat(reason(tokens.verifyCode(Purpose.EMAIL_CODE, "alice", "pending-2", code)))
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
    assertThat(tokens.verifyCode(Purpose.EMAIL_CODE, "alice", "pending-1", code).succeeded())
        .isTrue();
    assertThat(tokens.verifyCode(Purpose.EMAIL_CODE, "alice", "pending-1", code).succeeded())
        .isFalse();
  }

  @Test
  void afterTheAttemptLimitEvenTheRightCodeIsRefused() {
    tokens.issueCode(Purpose.EMAIL_CODE, "alice", "pending-1", null);
    String code = sent.get(0).secret();
    String wrong = code.equals("000000") ? "000001" : "000000";
    for (int i = 0; i < 5; i++) {
      assertThat(tokens.verifyCode(Purpose.EMAIL_CODE, "alice", "pending-1", wrong).succeeded())
          .isFalse();
    }
    assertThat(reason(tokens.verifyCode(Purpose.EMAIL_CODE, "alice", "pending-1", code)))
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
  }

  @Test
  void concurrentGuessesAtACodeCompareAtMostTheLimit() throws Exception {
    int threads = 8;
    for (int round = 0; round < 10; round++) {
      String binding = "pending-" + round;
      tokens.issueCode(Purpose.EMAIL_CODE, "alice", binding, null);
      String code = sent.get(sent.size() - 1).secret();
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String guess = String.format("%06d", (Integer.parseInt(code) + 1 + t) % 1_000_000);
        results.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return tokens.verifyCode(Purpose.EMAIL_CODE, "alice", binding, guess).succeeded();
                }));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isFalse();
      }
      assertThat(tokens.verifyCode(Purpose.EMAIL_CODE, "alice", binding, code).succeeded())
          .as("round %d: the code is dead after 5 counted guesses", round)
          .isFalse();
      clock.advance(Duration.ofMinutes(16)); // past the issuing throttle's lock
    }
  }

  @Test
  void anExpiredCodeIsRefusedAsExpired() {
    tokens.issueCode(Purpose.EMAIL_CODE, "alice", "pending-1", null);
    String code = sent.get(0).secret();
    clock.advance(Duration.ofMinutes(10));
    assertThat(reason(tokens.verifyCode(Purpose.EMAIL_CODE, "alice", "pending-1", code)))
        .isEqualTo(AuthResult.Reason.EXPIRED);
  }

  @Test
  void codesHaveTheConfiguredDigitsAndEveryDigitOccurs() {
    OneTimeTokens eight =
        OneTimeTokens.builder(InMemoryOneTimeTokenStore.create(), sent::add)
            .clock(clock)
            .codeDigits(8)
            .throttle(
                dev.latchkey.core.LoginThrottle.inMemory(
                    new dev.latchkey.core.ThrottlePolicy(
                        1000,
                        1000,
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(1)),
                    clock))
            .build();
    int[] firstDigits = new int[10];
    for (int i = 0; i < 400; i++) {
      eight.issueCode(Purpose.EMAIL_CODE, "alice", "b" + i, null);
      String code = sent.get(sent.size() - 1).secret();
      assertThat(code).matches("[0-9]{8}");
      firstDigits[code.charAt(0) - '0']++;
    }
    // Leading zeros are kept: every leading digit, 0 included, turns up.
    assertThat(java.util.Arrays.stream(firstDigits).min().orElseThrow()).isPositive();
  }

  @Test
  void aStoreThatFailsIsUnavailableNeverAnException() {
    OneTimeTokenStore broken = mock(OneTimeTokenStore.class);
    when(broken.shardFor(any())).thenReturn("AAA");
    when(broken.find(any(), any())).thenThrow(new StoreUnavailableException("down"));
    when(broken.consume(any(), any())).thenThrow(new StoreUnavailableException("down"));
    when(broken.put(any(), anyInt(), any())).thenThrow(new StoreUnavailableException("down"));
    OneTimeTokens down = OneTimeTokens.builder(broken, sent::add).clock(clock).build();
    String token = issue(Purpose.PASSWORD_RESET, "alice");
    assertThat(reason(down.peek(Purpose.PASSWORD_RESET, token)))
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
    assertThat(reason(down.consume(Purpose.PASSWORD_RESET, token)))
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
    assertThat(reason(down.issue(Purpose.PASSWORD_RESET, "alice", null)))
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
  }

  @Test
  void anOutboxThatThrowsReportsTheTokenAsNotDelivered() {
    OneTimeTokens failing =
        OneTimeTokens.builder(
                store,
                m -> {
                  throw new IllegalStateException("smtp down");
                })
            .clock(clock)
            .build();
    TokenOutcome outcome = failing.issue(Purpose.PASSWORD_RESET, "alice", null);
    assertThat(reason(outcome)).isEqualTo(AuthResult.Reason.UNAVAILABLE);
  }

  @Test
  void consumingEmitsEventsWithoutTheToken() {
    String token = issue(Purpose.MAGIC_LINK, "alice");
    tokens.consume(Purpose.MAGIC_LINK, token);
    tokens.consume(Purpose.MAGIC_LINK, token);
    assertThat(events).hasSize(2);
    assertThat(events.get(0)).isInstanceOf(AuthEvent.Succeeded.class);
    assertThat(((AuthEvent.Succeeded) events.get(0)).method()).isEqualTo("one_time:magic_link");
    assertThat(events.get(1)).isInstanceOf(AuthEvent.Failed.class);
    assertThat(events.toString()).doesNotContain(token);
  }

  @Test
  void endAllEndsEveryTokenOfTheSubject() {
    String reset = issue(Purpose.PASSWORD_RESET, "alice");
    String magic = issue(Purpose.MAGIC_LINK, "alice");
    assertThat(tokens.endAll("alice")).isEqualTo(2);
    assertThat(tokens.peek(Purpose.PASSWORD_RESET, reset).succeeded()).isFalse();
    assertThat(tokens.peek(Purpose.MAGIC_LINK, magic).succeeded()).isFalse();
  }

  @Test
  void aPurposeOfTheWrongKindIsAProgrammerError() {
    assertThatThrownBy(() -> tokens.issue(Purpose.EMAIL_CODE, "alice", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("email_code");
    assertThatThrownBy(() -> tokens.issueCode(Purpose.MAGIC_LINK, "alice", "b", null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void settersAndPurposesFailFastNamingTheValue() {
    var builder = OneTimeTokens.builder(store, sent::add);
    assertThatThrownBy(() -> builder.codeDigits(5)).hasMessageContaining("codeDigits");
    assertThatThrownBy(() -> builder.codeAttempts(0)).hasMessageContaining("codeAttempts");
    assertThatThrownBy(() -> new Purpose("Bad Name", Duration.ofMinutes(1), 1, Purpose.Kind.LINK))
        .hasMessageContaining("purpose name");
    assertThatThrownBy(() -> Purpose.MAGIC_LINK.withMaxOutstanding(0))
        .hasMessageContaining("maxOutstanding");
    assertThatThrownBy(() -> Purpose.MAGIC_LINK.withLifetime(Duration.ZERO))
        .hasMessageContaining("lifetime");
  }

  @Test
  void aMessageNeverShowsItsSecret() {
    String token = issue(Purpose.PASSWORD_RESET, "alice");
    assertThat(sent.get(0).toString()).doesNotContain(token);
    assertThat(store.toString()).doesNotContain(token);
  }

  @Test
  void aRequestDoesOneStoreRoundTripWhetherOrNotTheNameExists() {
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    OneTimeTokenStore counting =
        (OneTimeTokenStore)
            java.lang.reflect.Proxy.newProxyInstance(
                OneTimeTokenStore.class.getClassLoader(),
                new Class<?>[] {OneTimeTokenStore.class},
                (proxy, method, args) -> {
                  if (!method.getName().equals("shardFor")) {
                    calls.incrementAndGet();
                  }
                  try {
                    return method.invoke(store, args);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    OneTimeTokens counted =
        OneTimeTokens.builder(counting, sent::add)
            .clock(clock)
            .users(
                InMemoryUserDirectory.create()
                    .add(new UserAccount("alice", Principal.of("alice", Set.of("user")), "x")))
            .build();
    counted.request(Purpose.PASSWORD_RESET, "alice", null);
    int known = calls.getAndSet(0);
    counted.request(Purpose.PASSWORD_RESET, "nobody", null);
    int unknown = calls.get();
    assertThat(known).isEqualTo(1);
    assertThat(unknown).isEqualTo(known);
  }
}
