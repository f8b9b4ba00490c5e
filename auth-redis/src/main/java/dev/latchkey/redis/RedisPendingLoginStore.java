package dev.latchkey.redis;

import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.PendingLogin;
import dev.latchkey.core.spi.PendingLoginStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link PendingLoginStore} on Redis. Each login is a hash at {@code <prefix>{<shard>}:pl:<hash
 * of its state>} (fields {@code k} client, {@code n} nonce, {@code v} PKCE verifier, {@code u}
 * redirect URI, {@code b} browser-binding hash, {@code c e} createdAt and expiresAt in epoch ms),
 * expiring by {@code PEXPIREAT} at its expiry. A client's logins are indexed in a sorted set {@code
 * <prefix>{<shard>}:pi:<client hash>} scored by expiry, pruned by every store of a login, so a
 * client holds at most the service's bound. The shard and client hash are keyed ({@link
 * Placement}): a key names no address. Every operation is one round trip. Thread-safe.
 */
final class RedisPendingLoginStore implements PendingLoginStore {
  private static final Script<Long> PUT = Script.load("pending-login-put", 3, RedisCalls::num);
  private static final Script<Object> CONSUME =
      Script.load("pending-login-consume", 1, Script::raw);

  private final RedisCalls redis;
  private final Keys keys;
  private final Placement placement;

  RedisPendingLoginStore(RedisCalls redis, Keys keys, Placement placement) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.placement = Objects.requireNonNull(placement, "placement");
  }

  /** The client's keyed tag ({@link Placement}): the same on every node sharing this Redis. */
  @Override
  public String shardFor(String client) {
    return placement.shardOf(client);
  }

  @Override
  public int put(PendingLogin login, int maxPerClient, Instant now) {
    Objects.requireNonNull(login, "login");
    Objects.requireNonNull(now, "now");
    if (maxPerClient < 1) {
      throw new IllegalArgumentException("maxPerClient must be at least 1: " + maxPerClient);
    }
    Placement.Subject client = placement.of(login.client());
    if (!login.id().shard().equals(client.shard())) {
      // Elsewhere than its index: the bound would not see it.
      throw new IllegalArgumentException("the login id's shard is not its client's");
    }
    long ended =
        PUT.call(
            redis,
            "pending login put",
            List.of(
                keys.pendingLogin(login.id()),
                keys.pendingLoginIndex(client),
                keys.pendingLoginPrefix(client.shard())),
            List.of(
                ms(now),
                Integer.toString(maxPerClient),
                login.id().hash(),
                ms(login.expiresAt()),
                "k",
                login.client(),
                "n",
                login.nonce(),
                "v",
                login.codeVerifier(),
                "u",
                login.redirectUri(),
                "b",
                login.browserHash(),
                "c",
                ms(login.createdAt()),
                "e",
                ms(login.expiresAt())));
    return (int) ended;
  }

  @Override
  public Optional<PendingLogin> consume(HashedId id, Instant now) {
    Objects.requireNonNull(now, "now");
    Object reply =
        CONSUME.call(
            redis,
            "pending login consume",
            List.of(keys.pendingLogin(Objects.requireNonNull(id, "id"))),
            List.of());
    Map<String, String> f = new HashMap<>();
    if (reply instanceof List<?> list) {
      for (int i = 0; i + 1 < list.size(); i += 2) {
        f.put(RedisCalls.str(list.get(i)), RedisCalls.str(list.get(i + 1)));
      }
    }
    if (f.isEmpty()) {
      return Optional.empty();
    }
    try {
      PendingLogin login =
          new PendingLogin(
              id,
              f.get("k"),
              f.get("n"),
              f.get("v"),
              f.get("u"),
              f.get("b"),
              Instant.ofEpochMilli(Long.parseLong(f.get("c"))),
              Instant.ofEpochMilli(Long.parseLong(f.get("e"))));
      return login.liveAt(now) ? Optional.of(login) : Optional.empty();
    } catch (RuntimeException e) {
      // A record this store did not write (or half of one): no login, never a pass.
      return Optional.empty();
    }
  }

  private static String ms(Instant t) {
    return Long.toString(t.toEpochMilli());
  }

  @Override
  public String toString() {
    return "RedisPendingLoginStore[prefix=" + keys.prefix() + "]";
  }
}
