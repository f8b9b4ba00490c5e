package dev.latchkey.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import org.junit.jupiter.api.Test;

class FailClosedTest {
  private static final AuthResult OK = AuthResult.success(Principal.of("alice"));

  @Test
  void checkAnswersTheStepsResultWhenItAnswers() {
    assertThat(FailClosed.check("store", () -> OK)).isSameAs(OK);
  }

  @Test
  void checkAnswersUnavailableForAnOutageAnyOtherExceptionAndNull() {
    AuthResult outage =
        FailClosed.check(
            "store",
            () -> {
              throw new StoreUnavailableException("down");
            });
    AuthResult bug =
        FailClosed.check(
            "store",
            () -> {
              throw new IllegalStateException("secret-bearing message");
            });
    AuthResult none = FailClosed.check("store", () -> null);

    for (AuthResult result : new AuthResult[] {outage, bug, none}) {
      assertThat(result.failure().orElseThrow().reason()).isEqualTo(AuthResult.Reason.UNAVAILABLE);
      assertThat(result.failure().orElseThrow().detail()).doesNotContain("secret");
    }
    assertThat(FailClosed.onNull("resolver")).isEqualTo(FailClosed.unavailable());
  }

  @Test
  void manageLetsAnOutageThroughAndWrapsAnythingElseWithoutItsMessage() {
    StoreUnavailableException down = new StoreUnavailableException("down");
    IllegalStateException bug = new IllegalStateException("secret-bearing message");

    assertThat(FailClosed.manage("store", () -> 42)).isEqualTo(42);
    assertThatThrownBy(
            () ->
                FailClosed.manage(
                    "store",
                    () -> {
                      throw down;
                    }))
        .isSameAs(down);
    assertThatThrownBy(
            () ->
                FailClosed.manage(
                    "store",
                    () -> {
                      throw bug;
                    }))
        .isInstanceOf(StoreUnavailableException.class)
        .satisfies(e -> assertThat(e.getCause()).isSameAs(bug))
        .message()
        .contains("store")
        .doesNotContain("secret");
  }
}
