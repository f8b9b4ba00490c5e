package dev.latchkey.redis;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.internal.Sha256Digest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Where a subject's session and refresh-token keys live, keyed by a secret no one outside Redis and
 * the application holds: a subject's tag is HMAC-SHA256, under the placement key, of the subject.
 * Its first {@value OpaqueIds#SHARD_CHARS} Base64url characters are the Cluster hash tag of the
 * subject's keys and the shard tag of its ids; the whole of it names the subject's indexes. So
 * nothing in an id, a key or an index name can be computed from a user name without the key.
 *
 * <p><b>The key.</b> Created once, on the first use by any node, as 32 bytes from {@link
 * SecureRandom} at {@code <prefix>placement} (no TTL), with a script that writes it only when it is
 * absent and answers what is there: every node sharing one Redis and key prefix derives the same
 * tags, with nothing to configure. A node reads it again at most every {@value #RECHECK_SECONDS}
 * seconds (one extra round trip on such a login or subject-wide operation, none on a cookie check
 * or a rotation, which take the tag from the id), writing its own back when Redis has lost it: if
 * Redis restarts empty, the fleet agrees on one key again within that time. What a node placed with
 * a key the fleet then gave up is missed by subject-wide operations until it expires. A node that
 * holds a key keeps using it while that read fails; one that holds none yet answers {@link
 * StoreUnavailableException}.
 *
 * <p><b>What the tag reveals.</b> No one can compute a user's tag from their name without the key.
 * But it is stable: every session id and refresh token of one subject carries the same tag, so
 * whoever sees two ids with one tag can tell that they may belong to one user, and whoever learns
 * which user one id belongs to can pick that user's other ids out of a log, among those of the
 * users who share the tag. That is the price of finding a subject's keys in one Cluster slot from
 * the id alone, with no lookup on the cookie check; it is kept small by the tag's size: 18 bits,
 * enough for Redis Cluster to spread subjects over all of its 16,384 slots, and few enough that in
 * a user base of millions several users share each tag. A random tag per id would reveal nothing,
 * but "log out everywhere" and the per-user cap would then have to visit every slot.
 *
 * <p>Thread-safe.
 */
final class Placement {
  /** How often a node reads the key again, in seconds. */
  static final long RECHECK_SECONDS = 10;

  private static final System.Logger LOG = System.getLogger(Placement.class.getName());
  private static final int KEY_BYTES = 32;
  private static final String ALGORITHM = "HmacSHA256";

  /** Domain separation: this key's MACs mean "placement of a subject, version 1" only. */
  private static final byte[] CONTEXT = "latchkey-placement-v1".getBytes(StandardCharsets.US_ASCII);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /**
   * One initialised Mac per thread and key: a login asks for its subject's place twice (the tag,
   * then the create), and a provider lookup and key setup per call would cost more than the MAC.
   */
  private static final ThreadLocal<KeyedMac> MACS = new ThreadLocal<>();

  private record KeyedMac(SecretKeySpec key, Mac mac) {
    @Override
    public String toString() {
      return "KeyedMac[key=<redacted>]";
    }
  }

  /** Returns the key held, writing ARGV[1] first when there is none. */
  private static final Script<String> LOAD = Script.load("placement-key", 1, RedisCalls::str);

  private final RedisCalls redis;
  private final String key;
  private final LongSupplier nanos;
  private final AtomicBoolean rechecking = new AtomicBoolean();
  private volatile Loaded loaded;

  /** The key and when it was last read, by {@link #nanos}; its text never leaves this class. */
  private record Loaded(SecretKeySpec mac, String text, long readAt) {
    @Override
    public String toString() {
      return "Loaded[key=<redacted>]";
    }
  }

  /** A subject's place: the hash tag of its keys and the (keyed) name of its indexes. */
  record Subject(String shard, String hash) {}

  Placement(RedisCalls redis, Keys keys) {
    this(redis, keys, System::nanoTime);
  }

  /** With {@code nanos} as the monotonic time of rechecks (tests drive it). */
  Placement(RedisCalls redis, Keys keys, LongSupplier nanos) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.key = Objects.requireNonNull(keys, "keys").placementKey();
    this.nanos = Objects.requireNonNull(nanos, "nanos");
  }

  /**
   * The place of {@code subject}'s keys.
   *
   * @throws StoreUnavailableException when the key must be read and Redis cannot be reached
   */
  Subject of(String subject) {
    Objects.requireNonNull(subject, "subject");
    String hash = B64.encodeToString(mac(current(), subject));
    return new Subject(hash.substring(0, OpaqueIds.SHARD_CHARS), hash);
  }

  /** The shard tag of {@code subject}'s ids: the start of {@link #of}'s hash. */
  String shardOf(String subject) {
    return of(subject).shard();
  }

  private SecretKeySpec current() {
    Loaded l = loaded;
    long now = nanos.getAsLong();
    if (l != null && now - l.readAt() < TimeUnit.SECONDS.toNanos(RECHECK_SECONDS)) {
      return l.mac();
    }
    // One recheck at a time: the calls meanwhile place with the key held, without a round trip.
    if (l != null && !rechecking.compareAndSet(false, true)) {
      return l.mac();
    }
    try {
      return load(l, now);
    } finally {
      if (l != null) {
        rechecking.set(false);
      }
    }
  }

  private SecretKeySpec load(Loaded l, long now) {
    // Offer the key this node holds, so that one Redis lost is given back; a fresh one otherwise.
    String offer = l != null ? l.text() : newKeyText();
    String held;
    try {
      held = LOAD.call(redis, "placement key", List.of(key), List.of(offer));
    } catch (StoreUnavailableException e) {
      if (l == null) {
        throw e;
      }
      // The key's own server is down (on a Cluster, maybe not the subject's): keep placing with
      // the key held, and try again an interval later rather than on every call.
      loaded = new Loaded(l.mac(), l.text(), now);
      return l.mac();
    }
    if (held == null || held.length() < Sha256Digest.CHARS) {
      throw new StoreUnavailableException("redis unavailable: the placement key is unreadable");
    }
    if (l != null && !held.equals(l.text())) {
      LOG.log(
          System.Logger.Level.WARNING,
          "the placement key in Redis changed (Redis lost it?); this node follows the new one");
    }
    SecretKeySpec mac =
        l != null && held.equals(l.text())
            ? l.mac()
            : new SecretKeySpec(held.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    loaded = new Loaded(mac, held, now);
    return mac;
  }

  private static String newKeyText() {
    byte[] bytes = new byte[KEY_BYTES];
    RANDOM.nextBytes(bytes);
    return B64.encodeToString(bytes);
  }

  // The cached Mac was initialised with this very key instance, so identity is the test.
  @SuppressWarnings("ReferenceEquality")
  private static byte[] mac(SecretKeySpec key, String subject) {
    KeyedMac keyed = MACS.get();
    if (keyed == null || keyed.key() != key) {
      try {
        Mac mac = Mac.getInstance(ALGORITHM);
        mac.init(key);
        keyed = new KeyedMac(key, mac);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("every Java platform must provide HmacSHA256", e);
      }
      MACS.set(keyed);
    }
    Mac mac = keyed.mac();
    mac.update(CONTEXT);
    mac.update((byte) 0);
    // doFinal resets the Mac to its key: nothing of this subject is left for the next one.
    return mac.doFinal(subject.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Placement[key=<redacted>]";
  }
}
