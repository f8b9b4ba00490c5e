package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.InMemoryUserDirectory;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.UserAccount;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PasswordResetTest {
  private final TestClock clock = TestClock.atNow();
  private final PasswordHasher hasher = PasswordHasher.bcrypt(4);
  private final List<Outbox.Message> sent = new CopyOnWriteArrayList<>();
  private final List<AuthEvent> events = new CopyOnWriteArrayList<>();
  private final List<String> signedOut = new CopyOnWriteArrayList<>();
  private InMemoryUserDirectory users;
  private OneTimeTokens tokens;
  private PasswordReset reset;

  @BeforeEach
  void setUp() {
    users =
        InMemoryUserDirectory.create()
            .add(
                new UserAccount(
                    "alice",
                    Principal.of("alice", Set.of("user")),
                    hasher.hash("old-password".toCharArray())));
    tokens =
        OneTimeTokens.builder(InMemoryOneTimeTokenStore.create(), sent::add)
            .users(users)
            .clock(clock)
            .listener(events::add)
            .build();
    reset =
        PasswordReset.builder(tokens, hasher, users::updatePasswordHash, signedOut::add).build();
  }

  private String requestToken() {
    assertThat(reset.request("alice", "10.0.0.1")).isEmpty();
    return sent.get(sent.size() - 1).secret();
  }

  private String storedHash() {
    return users.findByLoginName("alice").orElseThrow().passwordHash();
  }

  @Test
  void aConfirmedResetWritesTheNewHashAndSignsTheSubjectOutEverywhere() {
    String token = requestToken();
    String other =
        tokens.issue(Purpose.MAGIC_LINK, "alice", null).succeeded()
            ? sent.get(sent.size() - 1).secret()
            : null;
    assertThat(reset.check(token).succeeded()).isTrue();
    TokenOutcome done = reset.confirm(token, "new-password".toCharArray());
    assertThat(done.valid().orElseThrow().subject()).isEqualTo("alice");
    assertThat(hasher.verify("new-password".toCharArray(), storedHash())).isTrue();
    assertThat(hasher.verify("old-password".toCharArray(), storedHash())).isFalse();
    assertThat(signedOut).containsExactly("alice");
    assertThat(tokens.peek(Purpose.MAGIC_LINK, other).succeeded()).isFalse();
    assertThat(events)
        .anyMatch(e -> e instanceof AuthEvent.PasswordReset r && r.subject().equals("alice"));
  }

  @Test
  void aSecondConfirmOfTheSameTokenIsRefused() {
    String token = requestToken();
    assertThat(reset.confirm(token, "new-password".toCharArray()).succeeded()).isTrue();
    TokenOutcome again = reset.confirm(token, "another-password".toCharArray());
    assertThat(again.failure().orElseThrow().reason())
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
    assertThat(hasher.verify("new-password".toCharArray(), storedHash())).isTrue();
  }

  @Test
  void aTooShortPasswordIsRefusedAndLeavesTheTokenUsable() {
    String token = requestToken();
    assertThat(reset.confirm(token, "short".toCharArray()).failure().orElseThrow().reason())
        .isEqualTo(AuthResult.Reason.MALFORMED);
    assertThat(reset.confirm(token, "x".repeat(73).toCharArray()).failure().orElseThrow().reason())
        .isEqualTo(AuthResult.Reason.MALFORMED);
    // 24 three-byte characters are 72 bytes, bCrypt's limit; 25 are over it.
    assertThat(reset.confirm(token, "€".repeat(25).toCharArray()).failure().orElseThrow().reason())
        .isEqualTo(AuthResult.Reason.MALFORMED);
    assertThat(reset.confirm(token, "€".repeat(24).toCharArray()).succeeded()).isTrue();
  }

  @Test
  void aPasswordTheRuleRefusesNamesTheRulesCodesAndLeavesTheTokenUsable() {
    List<String> asked = new CopyOnWriteArrayList<>();
    PasswordReset ruled =
        PasswordReset.builder(tokens, hasher, users::updatePasswordHash, signedOut::add)
            .newPasswordRule(
                (subject, password) -> {
                  asked.add(subject);
                  return new String(password).contains(subject)
                      ? List.of("contains_username", "common")
                      : List.of();
                })
            .build();
    String token = requestToken();

    AuthResult.Failure refused =
        ruled.confirm(token, "alice-in-wonderland".toCharArray()).failure().orElseThrow();

    assertThat(refused.reason()).isEqualTo(AuthResult.Reason.MALFORMED);
    assertThat(refused.detail()).isEqualTo("password_rejected: contains_username common");
    assertThat(asked).containsExactly("alice");
    assertThat(signedOut).isEmpty();
    assertThat(ruled.confirm(token, "a sea of little stones".toCharArray()).succeeded()).isTrue();
    assertThat(hasher.verify("a sea of little stones".toCharArray(), storedHash())).isTrue();
  }

  @Test
  void aTokenOfAnotherPurposeCannotResetAPassword() {
    tokens.issue(Purpose.EMAIL_VERIFICATION, "alice", null);
    String verification = sent.get(sent.size() - 1).secret();
    assertThat(reset.confirm(verification, "new-password".toCharArray()).succeeded()).isFalse();
    assertThat(hasher.verify("old-password".toCharArray(), storedHash())).isTrue();
  }

  @Test
  void aSignOutThatFailsIsUnavailable() {
    PasswordReset failing =
        PasswordReset.builder(
                tokens,
                hasher,
                users::updatePasswordHash,
                subject -> {
                  throw new StoreUnavailableException("sessions down");
                })
            .build();
    String token = requestToken();
    assertThat(
            failing.confirm(token, "new-password".toCharArray()).failure().orElseThrow().reason())
        .isEqualTo(AuthResult.Reason.UNAVAILABLE);
  }
}
