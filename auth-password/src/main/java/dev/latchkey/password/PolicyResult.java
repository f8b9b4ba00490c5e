package dev.latchkey.password;

import java.util.List;
import java.util.Objects;

/**
 * What {@link PasswordPolicy#check} decided: accepted when there is no rejection.
 *
 * @param rejections every rule the password broke, in the order of {@link Rejection}; empty when it
 *     is accepted
 */
public record PolicyResult(List<Rejection> rejections) {
  /**
   * Copies the list.
   *
   * @param rejections the rules broken
   * @throws NullPointerException if {@code rejections} or an element is null
   */
  public PolicyResult {
    rejections = List.copyOf(Objects.requireNonNull(rejections, "rejections"));
  }

  /** {@return whether the password may be set} */
  public boolean accepted() {
    return rejections.isEmpty();
  }

  /** {@return the lower-case codes of the rejections, for a JSON answer} */
  public List<String> codes() {
    return rejections.stream().map(Rejection::code).toList();
  }
}
