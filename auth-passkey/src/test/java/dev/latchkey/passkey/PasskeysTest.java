package dev.latchkey.passkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.PasskeyRecord;
import dev.latchkey.core.spi.PasskeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
import tools.jackson.databind.JsonNode;

class PasskeysTest {
  private static final String ORIGIN = "https://login.example.com";
  private static final String RP_ID = "example.com";

  private final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final List<AuthEvent> events = new CopyOnWriteArrayList<>();
  private InMemoryPasskeyStore store;
  private Passkeys passkeys;
  private ExecutorService pool;

  @BeforeEach
  void setUp() {
    store = new InMemoryPasskeyStore(clock);
    passkeys = build(Passkeys.UserVerification.PREFERRED);
    pool = Executors.newFixedThreadPool(8);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  private Passkeys build(Passkeys.UserVerification uv) {
    return Passkeys.builder(store, new RelyingParty(RP_ID, "Example", Set.of(ORIGIN)))
        .userVerification(uv)
        .principals(s -> Optional.of(Principal.of(s, Set.of("user"))))
        .clock(clock)
        .listener(events::add)
        .build();
  }

  private static SoftwareAuthenticator.Answer honest() {
    return new SoftwareAuthenticator.Answer(ORIGIN, RP_ID);
  }

  private SoftwareAuthenticator registered(String subject) {
    SoftwareAuthenticator authenticator = new SoftwareAuthenticator();
    String options =
        options(passkeys.registrationOptions(subject, subject, subject, Optional.empty()));
    PasskeyResult<PasskeyRecord> result =
        passkeys.register(
            subject, authenticator.register(options, honest()), Optional.empty(), "laptop");
    assertThat(result.accepted()).isPresent();
    return authenticator;
  }

  private static String options(PasskeyResult<PasskeyOptions> result) {
    return result.accepted().orElseThrow().json();
  }

  private String loginOptions() {
    return options(passkeys.loginOptions(Optional.empty()));
  }

  private static PasskeyResult.Problem problem(PasskeyResult<?> result) {
    return result.refused().orElseThrow().problem();
  }

  @Test
  void registrationOptionsAreStandardJsonWithAFreshChallenge() {
    SoftwareAuthenticator held = registered("alice");
    JsonNode options =
        SoftwareAuthenticator.parse(
            options(passkeys.registrationOptions("alice", "alice", "Alice", Optional.empty())));

    assertThat(options.get("rp").get("id").asString()).isEqualTo(RP_ID);
    assertThat(options.get("user").get("name").asString()).isEqualTo("alice");
    assertThat(options.get("challenge").asString()).matches("[A-Za-z0-9_-]{43}");
    assertThat(options.get("pubKeyCredParams").get(0).get("alg").asInt()).isEqualTo(-7);
    assertThat(options.get("excludeCredentials").get(0).get("id").asString()).isEqualTo(held.id());
    assertThat(options.get("authenticatorSelection").get("residentKey").asString())
        .isEqualTo("required");
    assertThat(options.get("attestation").asString()).isEqualTo("none");
    // the same user handle for every passkey of one user, and never the subject itself
    assertThat(options.get("user").get("id").asString())
        .isEqualTo(store.list("alice").get(0).userHandle())
        .isNotEqualTo("alice");
  }

  @Test
  void registeredPasskeyLogsInWithoutAUserName() {
    SoftwareAuthenticator authenticator = registered("alice");

    PasskeyResult<Principal> login =
        passkeys.login(authenticator.assert_(loginOptions(), honest()));

    assertThat(login.accepted().orElseThrow().subject()).isEqualTo("alice");
    assertThat(login.accepted().orElseThrow().roles()).containsExactly("user");
    PasskeyRecord stored = store.list("alice").get(0);
    assertThat(stored.signCount()).isEqualTo(1);
    assertThat(stored.lastUsedAt()).contains(clock.instant());
    assertThat(events)
        .anyMatch(e -> e instanceof AuthEvent.Succeeded s && s.method().equals("passkey"));
  }

  @Test
  void loginOptionsForAKnownUserCarryItsPasskeys() {
    SoftwareAuthenticator authenticator = registered("alice");
    String options = options(passkeys.loginOptions(Optional.of("alice")));

    JsonNode allow = SoftwareAuthenticator.parse(options).get("allowCredentials");
    assertThat(allow.size()).isEqualTo(1);
    assertThat(allow.get(0).get("id").asString()).isEqualTo(authenticator.id());
    assertThat(SoftwareAuthenticator.parse(loginOptions()).get("allowCredentials").size()).isZero();
    assertThat(passkeys.login(authenticator.assert_(options, honest())).accepted()).isPresent();
  }

  @Test
  void allowListForOneUserRefusesAnotherUsersPasskey() {
    registered("alice");
    SoftwareAuthenticator bobs = registered("bob");

    PasskeyResult<Principal> login =
        passkeys.login(
            bobs.assert_(options(passkeys.loginOptions(Optional.of("alice"))), honest()));

    assertThat(problem(login)).isEqualTo(PasskeyResult.Problem.WRONG_USER);
  }

  @Test
  void wrongOriginIsRefused() {
    SoftwareAuthenticator authenticator = registered("alice");
    SoftwareAuthenticator.Answer phished = honest();
    phished.origin = "https://login.example.com.evil.test";

    assertThat(problem(passkeys.login(authenticator.assert_(loginOptions(), phished))))
        .isEqualTo(PasskeyResult.Problem.VERIFICATION_FAILED);
    SoftwareAuthenticator fresh = new SoftwareAuthenticator();
    String reg = options(passkeys.registrationOptions("bob", "bob", "bob", Optional.empty()));
    assertThat(
            problem(passkeys.register("bob", fresh.register(reg, phished), Optional.empty(), "k")))
        .isEqualTo(PasskeyResult.Problem.VERIFICATION_FAILED);
  }

  @Test
  void wrongRpIdIsRefused() {
    SoftwareAuthenticator authenticator = registered("alice");
    SoftwareAuthenticator.Answer other = honest();
    other.rpId = "evil.test";

    assertThat(problem(passkeys.login(authenticator.assert_(loginOptions(), other))))
        .isEqualTo(PasskeyResult.Problem.VERIFICATION_FAILED);
    SoftwareAuthenticator fresh = new SoftwareAuthenticator();
    String reg = options(passkeys.registrationOptions("bob", "bob", "bob", Optional.empty()));
    assertThat(problem(passkeys.register("bob", fresh.register(reg, other), Optional.empty(), "k")))
        .isEqualTo(PasskeyResult.Problem.VERIFICATION_FAILED);
    assertThat(store.list("bob")).isEmpty();
  }

  @Test
  void replayedChallengeIsRefused() {
    SoftwareAuthenticator authenticator = registered("alice");
    String options = loginOptions();
    String first = authenticator.assert_(options, honest());
    assertThat(passkeys.login(first).accepted()).isPresent();

    assertThat(problem(passkeys.login(first))).isEqualTo(PasskeyResult.Problem.CHALLENGE_REJECTED);
    // even re-signed with a higher counter, the challenge is gone
    assertThat(problem(passkeys.login(authenticator.assert_(options, honest()))))
        .isEqualTo(PasskeyResult.Problem.CHALLENGE_REJECTED);
  }

  @Test
  void expiredChallengeIsRefused() {
    SoftwareAuthenticator authenticator = registered("alice");
    String options = loginOptions();
    clock.advance(Passkeys.DEFAULT_CHALLENGE_LIFETIME);

    assertThat(problem(passkeys.login(authenticator.assert_(options, honest()))))
        .isEqualTo(PasskeyResult.Problem.CHALLENGE_REJECTED);
  }

  @Test
  void challengeJustBeforeItsEndIsAccepted() {
    SoftwareAuthenticator authenticator = registered("alice");
    String options = loginOptions();
    clock.advance(Passkeys.DEFAULT_CHALLENGE_LIFETIME.minusMillis(1));

    assertThat(passkeys.login(authenticator.assert_(options, honest())).accepted()).isPresent();
  }

  @Test
  void ceremonyStartedOnANodeWhoseClockIsAheadFinishesOnAnother() {
    SoftwareAuthenticator authenticator = registered("alice");
    TestClock ahead = new TestClock(clock.instant().plusSeconds(30));
    Passkeys nodeA =
        Passkeys.builder(store, new RelyingParty(RP_ID, "Example", Set.of(ORIGIN)))
            .clock(ahead)
            .build();
    String options = options(nodeA.loginOptions(Optional.empty()));
    // Node B (this clock, 30 s behind) judges the end A wrote: the skew lengthens the ceremony
    // by the skew, never beyond the lifetime plus it.
    clock.advance(Passkeys.DEFAULT_CHALLENGE_LIFETIME.plusSeconds(29));
    assertThat(passkeys.login(authenticator.assert_(options, honest())).accepted()).isPresent();

    String late = options(nodeA.loginOptions(Optional.empty()));
    clock.advance(Passkeys.DEFAULT_CHALLENGE_LIFETIME.plusSeconds(30));
    assertThat(problem(passkeys.login(authenticator.assert_(late, honest()))))
        .isEqualTo(PasskeyResult.Problem.CHALLENGE_REJECTED);
  }

  @Test
  void registrationChallengeDoesNotServeALogin() {
    SoftwareAuthenticator authenticator = registered("alice");
    String reg = options(passkeys.registrationOptions("alice", "alice", "alice", Optional.empty()));

    assertThat(problem(passkeys.login(authenticator.assert_(reg, honest()))))
        .isEqualTo(PasskeyResult.Problem.CHALLENGE_REJECTED);
  }

  @Test
  void registrationIsBoundToItsUserAndBinding() {
    SoftwareAuthenticator fresh = new SoftwareAuthenticator();
    String reg =
        options(passkeys.registrationOptions("alice", "alice", "alice", Optional.of("s1")));
    String answer = fresh.register(reg, honest());

    assertThat(problem(passkeys.register("mallory", answer, Optional.of("s1"), "k")))
        .isEqualTo(PasskeyResult.Problem.CHALLENGE_REJECTED);
    String reg2 =
        options(passkeys.registrationOptions("alice", "alice", "alice", Optional.of("s1")));
    assertThat(
            problem(
                passkeys.register("alice", fresh.register(reg2, honest()), Optional.of("s2"), "k")))
        .isEqualTo(PasskeyResult.Problem.CHALLENGE_REJECTED);
    assertThat(store.list("alice")).isEmpty();
  }

  @Test
  void counterRegressionIsRefusedAndReportedAsAPossibleClone() {
    SoftwareAuthenticator authenticator = registered("alice");
    assertThat(passkeys.login(authenticator.assert_(loginOptions(), honest())).accepted())
        .isPresent();
    assertThat(passkeys.login(authenticator.assert_(loginOptions(), honest())).accepted())
        .isPresent();
    SoftwareAuthenticator.Answer clone = honest();
    clone.counter = 2L; // what a copy made after the second login would send

    assertThat(problem(passkeys.login(authenticator.assert_(loginOptions(), clone))))
        .isEqualTo(PasskeyResult.Problem.POSSIBLE_CLONE);
    assertThat(events)
        .anyMatch(e -> e instanceof AuthEvent.CloneSuspected c && c.subject().equals("alice"));
    assertThat(store.list("alice").get(0).signCount()).isEqualTo(2);
  }

  @Test
  void authenticatorWithoutACounterKeepsWorking() {
    SoftwareAuthenticator authenticator = registered("alice");
    SoftwareAuthenticator.Answer zero = honest();
    zero.counter = 0L;

    assertThat(passkeys.login(authenticator.assert_(loginOptions(), zero)).accepted()).isPresent();
    assertThat(passkeys.login(authenticator.assert_(loginOptions(), zero)).accepted()).isPresent();
  }

  @Test
  void concurrentAssertionsWithOneCounterHaveOneWinner() throws Exception {
    SoftwareAuthenticator authenticator = registered("alice");
    int threads = 8;
    for (int round = 1; round <= 10; round++) {
      List<String> answers = new ArrayList<>();
      SoftwareAuthenticator.Answer same = honest();
      same.counter = (long) round;
      for (int t = 0; t < threads; t++) {
        answers.add(authenticator.assert_(loginOptions(), same));
      }
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<Boolean>> futures = new ArrayList<>();
      for (String answer : answers) {
        futures.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return passkeys.login(answer).accepted().isPresent();
                }));
      }
      int wins = 0;
      for (Future<Boolean> f : futures) {
        wins += f.get(20, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(wins).as("round %d", round).isEqualTo(1);
    }
  }

  @Test
  void requiredUserVerificationRefusesAnAnswerWithoutIt() {
    Passkeys strict = build(Passkeys.UserVerification.REQUIRED);
    SoftwareAuthenticator authenticator = registered("alice");
    SoftwareAuthenticator.Answer presentOnly = honest();
    presentOnly.flags = SoftwareAuthenticator.UP;

    String options = options(strict.loginOptions(Optional.empty()));
    assertThat(SoftwareAuthenticator.parse(options).get("userVerification").asString())
        .isEqualTo("required");
    assertThat(problem(strict.login(authenticator.assert_(options, presentOnly))))
        .isEqualTo(PasskeyResult.Problem.USER_NOT_VERIFIED);
    String reg = options(strict.registrationOptions("bob", "bob", "bob", Optional.empty()));
    assertThat(
            problem(
                strict.register(
                    "bob",
                    new SoftwareAuthenticator().register(reg, presentOnly),
                    Optional.empty(),
                    "k")))
        .isEqualTo(PasskeyResult.Problem.USER_NOT_VERIFIED);
    // preferred accepts the same answer
    assertThat(passkeys.login(authenticator.assert_(loginOptions(), presentOnly)).accepted())
        .isPresent();
  }

  @Test
  void userNotPresentIsRefused() {
    SoftwareAuthenticator authenticator = registered("alice");
    SoftwareAuthenticator.Answer silent = honest();
    silent.flags = 0;

    assertThat(problem(passkeys.login(authenticator.assert_(loginOptions(), silent))))
        .isEqualTo(PasskeyResult.Problem.VERIFICATION_FAILED);
  }

  @Test
  void unknownCredentialIsRefused() {
    SoftwareAuthenticator stranger = new SoftwareAuthenticator();

    assertThat(problem(passkeys.login(stranger.assert_(loginOptions(), honest()))))
        .isEqualTo(PasskeyResult.Problem.UNKNOWN_CREDENTIAL);
  }

  @Test
  void removedPasskeyNoLongerLogsIn() {
    SoftwareAuthenticator authenticator = registered("alice");
    assertThat(passkeys.remove("bob", authenticator.id())).isFalse();
    assertThat(passkeys.remove("alice", authenticator.id())).isTrue();

    assertThat(problem(passkeys.login(authenticator.assert_(loginOptions(), honest()))))
        .isEqualTo(PasskeyResult.Problem.UNKNOWN_CREDENTIAL);
  }

  @Test
  void forgedSignatureIsRefused() {
    SoftwareAuthenticator authenticator = registered("alice");
    SoftwareAuthenticator impostor = new SoftwareAuthenticator();
    System.arraycopy(authenticator.credentialId, 0, impostor.credentialId, 0, 16);
    impostor.userHandle = authenticator.userHandle;

    assertThat(problem(passkeys.login(impostor.assert_(loginOptions(), honest()))))
        .isEqualTo(PasskeyResult.Problem.VERIFICATION_FAILED);
  }

  @Test
  void usernameLessLoginNeedsTheMatchingUserHandle() {
    SoftwareAuthenticator authenticator = registered("alice");
    SoftwareAuthenticator.Answer noHandle = honest();
    noHandle.withUserHandle = false;
    assertThat(problem(passkeys.login(authenticator.assert_(loginOptions(), noHandle))))
        .isEqualTo(PasskeyResult.Problem.VERIFICATION_FAILED);

    authenticator.userHandle = new byte[] {1, 2, 3};
    assertThat(problem(passkeys.login(authenticator.assert_(loginOptions(), honest()))))
        .isEqualTo(PasskeyResult.Problem.VERIFICATION_FAILED);
  }

  @Test
  void secondFactorAcceptsOnlyThePendingUsersPasskey() {
    SoftwareAuthenticator alices = registered("alice");
    SoftwareAuthenticator bobs = registered("bob");

    String forAlice = options(passkeys.secondFactorOptions("alice", "session-a"));
    assertThat(
            problem(
                passkeys.verifySecondFactor(
                    "alice", bobs.assert_(forAlice, honest()), "session-a")))
        .isEqualTo(PasskeyResult.Problem.WRONG_USER);

    String again = options(passkeys.secondFactorOptions("alice", "session-a"));
    assertThat(
            problem(passkeys.verifySecondFactor("alice", alices.assert_(again, honest()), "other")))
        .isEqualTo(PasskeyResult.Problem.CHALLENGE_REJECTED);

    String third = options(passkeys.secondFactorOptions("alice", "session-a"));
    assertThat(
            passkeys
                .verifySecondFactor("alice", alices.assert_(third, honest()), "session-a")
                .accepted()
                .orElseThrow()
                .subject())
        .isEqualTo("alice");
    // a second-factor challenge is no login challenge
    String fourth = options(passkeys.secondFactorOptions("alice", "session-a"));
    assertThat(problem(passkeys.login(alices.assert_(fourth, honest()))))
        .isEqualTo(PasskeyResult.Problem.CHALLENGE_REJECTED);
  }

  @Test
  void excludedCredentialCannotBeRegisteredTwice() {
    SoftwareAuthenticator authenticator = registered("alice");
    String reg = options(passkeys.registrationOptions("alice", "alice", "alice", Optional.empty()));

    assertThat(
            problem(
                passkeys.register(
                    "alice", authenticator.register(reg, honest()), Optional.empty(), "again")))
        .isEqualTo(PasskeyResult.Problem.ALREADY_REGISTERED);
  }

  @Test
  void listRenameAndRemoveOnlyTheirOwn() {
    SoftwareAuthenticator authenticator = registered("alice");

    assertThat(passkeys.list("alice")).extracting(PasskeyRecord::name).containsExactly("laptop");
    assertThat(passkeys.rename("bob", authenticator.id(), "mine")).isFalse();
    assertThat(passkeys.rename("alice", authenticator.id(), "phone")).isTrue();
    assertThat(passkeys.list("alice")).extracting(PasskeyRecord::name).containsExactly("phone");
    assertThat(passkeys.rename("alice", "not an id!", "x")).isFalse();
  }

  @Test
  void malformedAnswersAreMalformedNotExceptions() {
    for (String bad :
        List.of(
            "",
            "{",
            "[]",
            "null",
            "{\"id\":\"AAAA\"}",
            "{\"id\":\"!!\",\"rawId\":\"!!\",\"type\":\"public-key\",\"response\":{}}",
            "{\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"response\":"
                + "{\"clientDataJSON\":\"e30\",\"authenticatorData\":\"AAAA\",\"signature\":\"AAAA\"}}",
            "{\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"response\":"
                + "{\"clientDataJSON\":\"%%%\",\"attestationObject\":\"oA\"}}")) {
      assertThat(problem(passkeys.login(bad)))
          .as(bad)
          .isIn(PasskeyResult.Problem.MALFORMED, PasskeyResult.Problem.CHALLENGE_REJECTED);
      assertThat(problem(passkeys.register("alice", bad, Optional.empty(), "k")))
          .as(bad)
          .isIn(PasskeyResult.Problem.MALFORMED, PasskeyResult.Problem.CHALLENGE_REJECTED);
    }
  }

  @Test
  void storeDownIsUnavailable() {
    SoftwareAuthenticator authenticator = registered("alice");
    String options = loginOptions();
    PasskeyStore down = mock(PasskeyStore.class);
    StoreUnavailableException outage = new StoreUnavailableException("down", null);
    when(down.takeChallenge(anyString(), any())).thenThrow(outage);
    when(down.putChallenge(anyString(), any())).thenThrow(outage);
    when(down.list(anyString())).thenThrow(outage);
    Passkeys broken =
        Passkeys.builder(down, new RelyingParty(RP_ID, "Example", Set.of(ORIGIN)))
            .clock(clock)
            .build();

    assertThat(problem(broken.login(authenticator.assert_(options, honest()))))
        .isEqualTo(PasskeyResult.Problem.UNAVAILABLE);
    assertThat(problem(broken.loginOptions(Optional.empty())))
        .isEqualTo(PasskeyResult.Problem.UNAVAILABLE);
    assertThat(problem(broken.registrationOptions("alice", "a", "a", Optional.empty())))
        .isEqualTo(PasskeyResult.Problem.UNAVAILABLE);
  }

  @Test
  void challengeFloodIsBounded() {
    store = new InMemoryPasskeyStore(clock, 3);
    passkeys = build(Passkeys.UserVerification.PREFERRED);
    for (int i = 0; i < 3; i++) {
      assertThat(passkeys.loginOptions(Optional.empty()).accepted()).isPresent();
    }
    assertThat(problem(passkeys.loginOptions(Optional.empty())))
        .isEqualTo(PasskeyResult.Problem.BUSY);
    clock.advance(Duration.ofMinutes(3));
    assertThat(passkeys.loginOptions(Optional.empty()).accepted()).isPresent();
    assertThat(store.challengeCount()).isEqualTo(1);
  }

  @Test
  void relyingPartyRefusesInsecureOrForeignOrigins() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new RelyingParty("example.com", "x", Set.of("http://example.com")))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new RelyingParty("example.com", "x", Set.of("https://example.org")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(RelyingParty.forOrigin("http://localhost:8080", "Demo").id()).isEqualTo("localhost");
  }
}
