package dev.latchkey.oidc;

import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.PendingLogin;
import dev.latchkey.core.spi.PendingLoginStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link PendingLoginStore} in this process's memory, for one node (a fleet, whose callbacks may
 * land on any node, shares the Redis store of {@code auth-redis}). It holds at most {@link
 * #DEFAULT_MAXIMUM_LOGINS} records unless configured otherwise; when full it first forgets expired
 * records, and then refuses a newcomer with {@link StoreUnavailableException} rather than ending
 * anyone's live login.
 *
 * <p>Every operation runs under one lock: each is a few map operations on one client's handful of
 * logins, and one lock makes consume trivially atomic. Safe for concurrent use.
 */
public final class InMemoryPendingLoginStore implements PendingLoginStore {
  /** How many records the store holds at most, by default. */
  public static final int DEFAULT_MAXIMUM_LOGINS = 100_000;

  private final int maximumLogins;
  private final Object lock = new Object();
  private final Map<HashedId, PendingLogin> byId = new HashMap<>();
  private final Map<String, Set<HashedId>> byClient = new HashMap<>();

  private InMemoryPendingLoginStore(int maximumLogins) {
    this.maximumLogins = maximumLogins;
  }

  /** {@return an empty store holding at most {@link #DEFAULT_MAXIMUM_LOGINS} records} */
  public static InMemoryPendingLoginStore create() {
    return new InMemoryPendingLoginStore(DEFAULT_MAXIMUM_LOGINS);
  }

  /**
   * An empty store holding at most {@code maximumLogins} records.
   *
   * @param maximumLogins the bound on records held, at least 1
   * @return the store
   * @throws IllegalArgumentException when {@code maximumLogins} is under 1
   */
  public static InMemoryPendingLoginStore withMaximumLogins(int maximumLogins) {
    if (maximumLogins < 1) {
      throw new IllegalArgumentException("maximumLogins must be at least 1: " + maximumLogins);
    }
    return new InMemoryPendingLoginStore(maximumLogins);
  }

  @Override
  public int put(PendingLogin login, int maxPerClient, Instant now) {
    Objects.requireNonNull(login, "login");
    Objects.requireNonNull(now, "now");
    if (maxPerClient < 1) {
      throw new IllegalArgumentException("maxPerClient must be at least 1: " + maxPerClient);
    }
    synchronized (lock) {
      Set<HashedId> ids = byClient.computeIfAbsent(login.client(), c -> new LinkedHashSet<>());
      List<PendingLogin> live = new ArrayList<>();
      for (HashedId id : List.copyOf(ids)) {
        PendingLogin held = byId.get(id);
        if (held == null || !held.liveAt(now)) {
          remove(id);
        } else if (!id.equals(login.id())) {
          live.add(held);
        }
      }
      int ended = 0;
      if (live.size() >= maxPerClient) {
        live.sort(Comparator.comparing(PendingLogin::createdAt));
        for (int i = 0; live.size() - i >= maxPerClient; i++) {
          remove(live.get(i).id());
          ended++;
        }
      }
      if (!byId.containsKey(login.id()) && byId.size() >= maximumLogins) {
        forgetExpired(now);
        if (byId.size() >= maximumLogins) {
          throw new StoreUnavailableException(
              "the in-memory pending-login store is full (" + maximumLogins + " logins)");
        }
      }
      byId.put(login.id(), login);
      byClient.computeIfAbsent(login.client(), c -> new LinkedHashSet<>()).add(login.id());
      return ended;
    }
  }

  @Override
  public Optional<PendingLogin> consume(HashedId id, Instant now) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(now, "now");
    synchronized (lock) {
      PendingLogin held = remove(id);
      return held != null && held.liveAt(now) ? Optional.of(held) : Optional.empty();
    }
  }

  /** {@return how many records it holds, live or not yet forgotten} */
  int size() {
    synchronized (lock) {
      return byId.size();
    }
  }

  private PendingLogin remove(HashedId id) {
    PendingLogin held = byId.remove(id);
    if (held != null) {
      Set<HashedId> ids = byClient.get(held.client());
      if (ids != null) {
        ids.remove(id);
        if (ids.isEmpty()) {
          byClient.remove(held.client());
        }
      }
    }
    return held;
  }

  private void forgetExpired(Instant now) {
    for (Iterator<PendingLogin> it = List.copyOf(byId.values()).iterator(); it.hasNext(); ) {
      PendingLogin l = it.next();
      if (!l.liveAt(now)) {
        remove(l.id());
      }
    }
  }

  @Override
  public String toString() {
    return "InMemoryPendingLoginStore[maximumLogins=" + maximumLogins + "]";
  }
}
