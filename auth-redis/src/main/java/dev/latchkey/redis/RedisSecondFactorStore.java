package dev.latchkey.redis;

import dev.latchkey.core.spi.SecondFactorStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link SecondFactorStore} on Redis: per subject, one hash ({@code <prefix>{<shard>}:mf:<subject
 * hash>}, fields {@code s} sealed secret, {@code a} active flag, {@code t} last accepted step) and
 * one set of recovery-code hashes ({@code <prefix>{<shard>}:mr:<subject hash>}), both in the
 * subject's slot, placed as its sessions are. Neither names the subject: the hash is keyed by the
 * placement key. Every operation is one script, so the step advance and a code's consumption are
 * atomic across every node. A factor has no TTL: it lives until it is disabled. Thread-safe.
 */
final class RedisSecondFactorStore implements SecondFactorStore {
  private static final Script<Long> ENROLL =
      Script.load("second-factor-enroll", 2, RedisCalls::num);
  private static final Script<Object> FIND = Script.load("second-factor-find", 2, Script::raw);
  private static final Script<Long> ACTIVATE =
      Script.load("second-factor-activate", 2, RedisCalls::num);
  private static final Script<Long> ACCEPT_STEP =
      Script.load("second-factor-accept-step", 1, RedisCalls::num);
  private static final Script<Long> CONSUME =
      Script.load("second-factor-consume-code", 2, RedisCalls::num);
  private static final Script<Long> REPLACE =
      Script.load("second-factor-replace-codes", 2, RedisCalls::num);
  private static final Script<Long> DISABLE =
      Script.load("second-factor-disable", 2, RedisCalls::num);

  private final RedisCalls redis;
  private final Keys keys;
  private final Placement placement;

  RedisSecondFactorStore(RedisCalls redis, Keys keys, Placement placement) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.placement = Objects.requireNonNull(placement, "placement");
  }

  private List<String> both(String subject) {
    Placement.Subject place = placement.of(Objects.requireNonNull(subject, "subject"));
    return List.of(keys.secondFactor(place), keys.recoveryCodes(place));
  }

  @Override
  public boolean enroll(String subject, String sealedSecret) {
    Objects.requireNonNull(sealedSecret, "sealedSecret");
    return ENROLL.call(redis, "second factor enroll", both(subject), List.of(sealedSecret)) == 1;
  }

  @Override
  public Optional<Factor> find(String subject) {
    Object reply = FIND.call(redis, "second factor read", both(subject), List.of());
    if (!(reply instanceof List<?> v)) {
      return Optional.empty();
    }
    return Optional.of(
        new Factor(
            RedisCalls.str(v.get(0)),
            "1".equals(RedisCalls.str(v.get(1))),
            Long.parseLong(RedisCalls.str(v.get(2))),
            (int) RedisCalls.num(v.get(3))));
  }

  @Override
  public boolean activate(
      String subject, String sealedSecret, long step, Set<String> recoveryCodeHashes) {
    List<String> args = new ArrayList<>();
    args.add(Objects.requireNonNull(sealedSecret, "sealedSecret"));
    args.add(Long.toString(step));
    args.addAll(Set.copyOf(recoveryCodeHashes));
    return ACTIVATE.call(redis, "second factor activate", both(subject), args) == 1;
  }

  @Override
  public boolean acceptStep(String subject, long step) {
    Placement.Subject place = placement.of(Objects.requireNonNull(subject, "subject"));
    return ACCEPT_STEP.call(
            redis,
            "second factor step",
            List.of(keys.secondFactor(place)),
            List.of(Long.toString(step)))
        == 1;
  }

  @Override
  public boolean consumeRecoveryCode(String subject, String codeHash) {
    Objects.requireNonNull(codeHash, "codeHash");
    return CONSUME.call(redis, "second factor recovery code", both(subject), List.of(codeHash))
        == 1;
  }

  @Override
  public boolean replaceRecoveryCodes(String subject, Set<String> recoveryCodeHashes) {
    return REPLACE.call(
            redis,
            "second factor recovery codes",
            both(subject),
            List.copyOf(Set.copyOf(recoveryCodeHashes)))
        == 1;
  }

  @Override
  public boolean disable(String subject) {
    return DISABLE.call(redis, "second factor disable", both(subject), List.of()) == 1;
  }

  @Override
  public String toString() {
    return "RedisSecondFactorStore[prefix=" + keys.prefix() + "]";
  }
}
