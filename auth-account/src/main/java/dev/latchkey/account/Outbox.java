package dev.latchkey.account;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a one-time token goes to reach its user: the application implements it (an email, an SMS, a
 * queue for a mail worker). Latchkey never formats or sends a message itself: it hands over the
 * secret, whom it is for and what it is for, and the application writes the words and the link.
 *
 * <p>{@link #deliver} is called after the token is stored, so a token delivered is one that
 * verifies. It may throw; the issuing call then reports the token as not delivered, and the token
 * stays valid until it expires or a newer one ends it. Implementations must be safe for concurrent
 * use.
 */
@FunctionalInterface
public interface Outbox {

  /**
   * Hands one message to the application's delivery.
   *
   * @param message whom it is for, what for, and the secret to send
   */
  void deliver(Message message);

  /**
   * One message to deliver. {@code toString()} never shows the secret.
   *
   * @param subject the {@link dev.latchkey.core.Principal#subject()} it is for; the application
   *     maps it to an address
   * @param purpose what the secret is for (its purpose's name, e.g. {@code password_reset})
   * @param secret the token or code to send, shown nowhere else: put it in the link or the text
   * @param expiresAt when the secret stops working, for the message's wording
   */
  record Message(String subject, String purpose, String secret, Instant expiresAt) {
    /**
     * Checks the parts.
     *
     * @param subject whom it is for
     * @param purpose what the secret is for
     * @param secret the token or code to send
     * @param expiresAt when the secret stops working
     * @throws NullPointerException when an argument is null
     */
    public Message {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(purpose, "purpose");
      Objects.requireNonNull(secret, "secret");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
      return "Message[subject="
          + subject
          + ", purpose="
          + purpose
          + ", secret=<redacted>, expiresAt="
          + expiresAt
          + "]";
    }
  }
}
