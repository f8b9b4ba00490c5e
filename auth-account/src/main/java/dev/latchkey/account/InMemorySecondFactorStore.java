package dev.latchkey.account;

import dev.latchkey.core.spi.SecondFactorStore;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SecondFactorStore} for one process: one entry per enrolled subject, each changed by one
 * atomic map operation, so concurrent presentations of one code have one winner. State is bounded
 * by the number of enrolled subjects. Thread-safe.
 */
public final class InMemorySecondFactorStore implements SecondFactorStore {
  private record Entry(String sealed, boolean active, long lastStep, Set<String> codes) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  /** An empty store. */
  public InMemorySecondFactorStore() {}

  @Override
  public boolean enroll(String subject, String sealedSecret) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(sealedSecret, "sealedSecret");
    boolean[] stored = {false};
    entries.compute(
        subject,
        (s, e) -> {
          if (e != null && e.active()) {
            return e;
          }
          stored[0] = true;
          return new Entry(sealedSecret, false, -1, Set.of());
        });
    return stored[0];
  }

  @Override
  public Optional<Factor> find(String subject) {
    Entry e = entries.get(Objects.requireNonNull(subject, "subject"));
    return e == null
        ? Optional.empty()
        : Optional.of(new Factor(e.sealed(), e.active(), e.lastStep(), e.codes().size()));
  }

  @Override
  public boolean activate(
      String subject, String sealedSecret, long step, Set<String> recoveryCodeHashes) {
    Objects.requireNonNull(sealedSecret, "sealedSecret");
    Set<String> codes = Set.copyOf(recoveryCodeHashes);
    boolean[] done = {false};
    entries.computeIfPresent(
        Objects.requireNonNull(subject, "subject"),
        (s, e) -> {
          if (e.active() || !e.sealed().equals(sealedSecret)) {
            return e;
          }
          done[0] = true;
          return new Entry(e.sealed(), true, step, codes);
        });
    return done[0];
  }

  @Override
  public boolean acceptStep(String subject, long step) {
    boolean[] done = {false};
    entries.computeIfPresent(
        Objects.requireNonNull(subject, "subject"),
        (s, e) -> {
          if (!e.active() || step <= e.lastStep()) {
            return e;
          }
          done[0] = true;
          return new Entry(e.sealed(), true, step, e.codes());
        });
    return done[0];
  }

  @Override
  public boolean consumeRecoveryCode(String subject, String codeHash) {
    Objects.requireNonNull(codeHash, "codeHash");
    boolean[] done = {false};
    entries.computeIfPresent(
        Objects.requireNonNull(subject, "subject"),
        (s, e) -> {
          if (!e.active() || !e.codes().contains(codeHash)) {
            return e;
          }
          done[0] = true;
          Set<String> left = new java.util.HashSet<>(e.codes());
          left.remove(codeHash);
          return new Entry(e.sealed(), true, e.lastStep(), Set.copyOf(left));
        });
    return done[0];
  }

  @Override
  public boolean replaceRecoveryCodes(String subject, Set<String> recoveryCodeHashes) {
    Set<String> codes = Set.copyOf(recoveryCodeHashes);
    boolean[] done = {false};
    entries.computeIfPresent(
        Objects.requireNonNull(subject, "subject"),
        (s, e) -> {
          if (!e.active()) {
            return e;
          }
          done[0] = true;
          return new Entry(e.sealed(), true, e.lastStep(), codes);
        });
    return done[0];
  }

  @Override
  public boolean disable(String subject) {
    return entries.remove(Objects.requireNonNull(subject, "subject")) != null;
  }

  @Override
  public String toString() {
    return "InMemorySecondFactorStore[subjects=" + entries.size() + "]";
  }
}
