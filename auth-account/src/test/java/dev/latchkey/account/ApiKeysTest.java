package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.when;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.AuthenticatorChain;
import dev.latchkey.core.BearerToken;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.ApiKeyRecord;
import dev.latchkey.core.spi.ApiKeyStore;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final CountingStore store = new CountingStore(InMemoryApiKeyStore.create());
  private final List<AuthEvent> events = new CopyOnWriteArrayList<>();
  private final ApiKeys keys =
      ApiKeys.builder(store)
          .appPrefix("acme")
          .clock(clock)
          .listener(events::add)
          .maxKeysPerSubject(3)
          .build();

  private ApiKeys.Created create(String subject) {
    return keys.create(subject, "ci", Set.of("repo:read"), Duration.ofDays(30)).orElseThrow();
  }

  @Test
  void aCreatedKeyVerifiesAsItsSubjectWithItsScopes() {
    ApiKeys.Created created =
        keys.create("alice", "ci", Set.of("repo:read", "repo:write"), Duration.ofDays(30))
            .orElseThrow();

    AuthResult result = keys.verify(created.key());

    Principal principal = result.principal().orElseThrow();
    assertThat(principal.subject()).isEqualTo("alice");
    assertThat(ApiKeys.scopes(principal)).containsExactlyInAnyOrder("repo:read", "repo:write");
    assertThat(principal.hasRole("scope:repo:read")).isTrue();
    assertThat(principal.attributes()).containsEntry(ApiKeys.KEY_ID_ATTRIBUTE, created.id());
    assertThat(created.key()).startsWith("lk_acme_").hasSize("lk_acme_".length() + 65);
    assertThat(created.key()).matches("lk_[a-z0-9]{1,16}_[A-Za-z0-9_-]{65}");
    assertThat(created.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(30)));
  }

  @Test
  void oneChainTakesKeysAndOtherBearerTokensSideBySide() {
    ApiKeys.Created created = create("alice");
    List<String> seenByOther = new ArrayList<>();
    Authenticator<BearerToken> jwts =
        new Authenticator<>() {
          @Override
          public Class<BearerToken> credentialType() {
            return BearerToken.class;
          }

          @Override
          public AuthResult authenticate(BearerToken token) {
            seenByOther.add(token.value());
            return AuthResult.success(Principal.of("bob"));
          }
        };
    AuthenticatorChain chain =
        AuthenticatorChain.builder().add(keys.authenticatorBeside(jwts)).build();

    assertThat(chain.authenticate(new BearerToken(created.key())).principal())
        .map(Principal::subject)
        .contains("alice");
    assertThat(chain.authenticate(new BearerToken("eyJhbGciOiJIUzI1NiJ9.e30.sig")).principal())
        .map(Principal::subject)
        .contains("bob");
    String key = created.key();
    char last = key.charAt(key.length() - 1);
    String typo = key.substring(0, key.length() - 1) + (last == 'x' ? 'y' : 'x');
    assertThat(chain.authenticate(new BearerToken(typo)).failure())
        .map(AuthResult.Failure::reason)
        .contains(Reason.MALFORMED);
    assertThat(seenByOther).containsExactly("eyJhbGciOiJIUzI1NiJ9.e30.sig");
  }

  @Test
  void theStoreKeepsOnlyAHashOfTheSecret() {
    ApiKeys.Created created = create("alice");

    ApiKeyRecord record = store.find(created.id()).orElseThrow();

    String secret = created.key().substring("lk_acme_".length() + 16, created.key().length() - 6);
    assertThat(record.secretHash()).isNotEqualTo(secret);
    assertThat(record.toString()).doesNotContain(record.secretHash()).doesNotContain(secret);
    assertThat(created.toString()).doesNotContain(created.key());
  }

  @Test
  void verifyingReadsTheStoreOnce() {
    ApiKeys.Created created = create("alice");
    store.finds.set(0);

    keys.verify(created.key());

    assertThat(store.finds).hasValue(1);
  }

  @Test
  void everyOneCharacterChangeIsRefusedAsMalformedWithoutAStoreRead() {
    String key = create("alice").key();
    store.finds.set(0);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < key.length(); i++) {
      char original = key.charAt(i);
      char changed = alphabet.charAt((alphabet.indexOf(original) + 1 + i) % alphabet.length());
      if (changed == original) {
        changed = alphabet.charAt((alphabet.indexOf(original) + 2) % alphabet.length());
      }
      String typo = key.substring(0, i) + changed + key.substring(i + 1);

      assertThat(keys.verify(typo).failure().orElseThrow().reason())
          .as("position %s", i)
          .isEqualTo(Reason.MALFORMED);
    }
    assertThat(store.finds).hasValue(0);
  }

  @Test
  void aCutOrPaddedKeyIsMalformedWithoutAStoreRead() {
    String key = create("alice").key();
    store.finds.set(0);

    for (String bad :
        new String[] {
          key.substring(0, key.length() - 1),
          key + "A",
          " " + key,
          "",
          "eyJhbGciOiJIUzI1NiJ9.e30.x",
          key.replace("lk_acme_", "lk_other_")
        }) {
      assertThat(keys.verify(bad).failure().orElseThrow().reason()).isEqualTo(Reason.MALFORMED);
    }
    assertThat(keys.verify(null).failure().orElseThrow().reason()).isEqualTo(Reason.MALFORMED);
    assertThat(store.finds).hasValue(0);
  }

  @Test
  void aKeyWithAValidChecksumButAnotherSecretIsInvalid() {
    ApiKeys.Created created = create("alice");
    ApiKeyFormat format = new ApiKeyFormat("acme");
    String forged = format.compose(created.id(), ApiKeyFormat.newSecret());

    assertThat(keys.verify(forged).failure().orElseThrow().reason())
        .isEqualTo(Reason.INVALID_CREDENTIALS);
    String unknown =
        format.compose(ApiKeyFormat.newId(store.shardFor("alice")), ApiKeyFormat.newSecret());
    assertThat(keys.verify(unknown).failure().orElseThrow().reason())
        .isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @Test
  void aRevokedKeyIsRefusedAsRevoked() {
    ApiKeys.Created created = create("alice");

    assertThat(keys.revoke("bob", created.id())).as("another user's key").isFalse();
    assertThat(keys.verify(created.key()).succeeded()).isTrue();
    assertThat(keys.revoke("alice", created.id())).isTrue();

    assertThat(keys.verify(created.key()).failure().orElseThrow().reason())
        .isEqualTo(Reason.REVOKED);
    assertThat(keys.list("alice")).isEmpty();
    assertThat(keys.revoke("alice", "not an id")).isFalse();
  }

  @Test
  void noVerificationStartedAfterARevocationReturnedSucceeds() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 50; round++) {
        String subject = "racer" + round;
        String key = create(subject).key();
        String id = store.list(subject, clock.instant()).get(0).id();
        CyclicBarrier start = new CyclicBarrier(5);
        AtomicBoolean revoked = new AtomicBoolean();
        List<Future<Boolean>> verifiers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          verifiers.add(
              pool.submit(
                  () -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < 50; i++) {
                      boolean after = revoked.get();
                      if (after && keys.verify(key).succeeded()) {
                        return false;
                      }
                      keys.verify(key);
                    }
                    return true;
                  }));
        }
        start.await(10, TimeUnit.SECONDS);
        assertThat(keys.revoke(subject, id)).isTrue();
        revoked.set(true);
        for (Future<Boolean> v : verifiers) {
          assertThat(v.get(10, TimeUnit.SECONDS)).as("round %s", round).isTrue();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aKeyIsRefusedAsExpiredFromItsExpiry() {
    ApiKeys.Created created =
        keys.create("alice", "ci", Set.of(), Duration.ofMinutes(5)).orElseThrow();
    clock.advance(Duration.ofMinutes(5).minusMillis(1));
    assertThat(keys.verify(created.key()).succeeded()).isTrue();

    clock.advance(Duration.ofMillis(1));

    assertThat(keys.verify(created.key()).failure().orElseThrow().reason())
        .isEqualTo(Reason.EXPIRED);
  }

  @Test
  void theListingShowsLiveKeysWithoutSecrets() {
    ApiKeys.Created first = create("alice");
    clock.advance(Duration.ofSeconds(1));
    ApiKeys.Created second = create("alice");
    create("bob");

    List<ApiKeys.KeyInfo> listed = keys.list("alice");

    assertThat(listed).extracting(ApiKeys.KeyInfo::id).containsExactly(first.id(), second.id());
    assertThat(listed.toString()).doesNotContain(first.key()).doesNotContain(second.key());
    assertThat(listed.get(0).lastUsedAt()).isEmpty();
  }

  @Test
  void theCapRefusesANewKeyUntilOneIsRevoked() {
    ApiKeys.Created first = create("alice");
    create("alice");
    create("alice");

    assertThat(keys.create("alice", "ci", Set.of(), null)).isEmpty();
    keys.revoke("alice", first.id());
    assertThat(keys.create("alice", "ci", Set.of(), null)).isPresent();
  }

  @Test
  void theLastUseIsWrittenAtMostOnceAMinute() {
    ApiKeys.Created created = create("alice");

    for (int i = 0; i < 10; i++) {
      keys.verify(created.key());
      clock.advance(Duration.ofSeconds(5));
    }
    assertThat(store.touches).hasValue(1);

    clock.advance(Duration.ofSeconds(15));
    keys.verify(created.key());
    assertThat(store.touches).hasValue(2);
    assertThat(keys.list("alice").get(0).lastUsedAt()).contains(clock.instant());
  }

  @Test
  void aFailedLastUseWriteDoesNotFailTheVerification() {
    ApiKeyStore failing = spy(InMemoryApiKeyStore.create());
    doThrow(new StoreUnavailableException("down", null)).when(failing).touch(anyString(), any());
    ApiKeys service = ApiKeys.builder(failing).clock(clock).build();
    ApiKeys.Created created = service.create("alice", "ci", Set.of(), null).orElseThrow();

    assertThat(service.verify(created.key()).succeeded()).isTrue();
  }

  @Test
  void anUnreachableStoreIsUnavailableOnVerifyAndThrowsOnManagement() {
    ApiKeyStore down = mock(ApiKeyStore.class);
    StoreUnavailableException outage = new StoreUnavailableException("down", null);
    when(down.shardFor(anyString())).thenReturn("AAA");
    when(down.find(anyString())).thenThrow(outage);
    when(down.create(any(), org.mockito.ArgumentMatchers.anyInt(), any())).thenThrow(outage);
    ApiKeys service = ApiKeys.builder(down).appPrefix("acme").clock(clock).build();
    String key = create("alice").key();

    assertThat(service.verify(key).failure().orElseThrow().reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(service.authenticator().authenticate(new BearerToken(key)).failure())
        .map(AuthResult.Failure::reason)
        .contains(Reason.UNAVAILABLE);
    assertThatThrownBy(() -> service.create("alice", "ci", Set.of(), null))
        .isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void inputsOutOfBoundsAreRefusedWithoutEchoingThem() {
    assertThatThrownBy(() -> keys.create("alice", "", Set.of(), null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> keys.create("alice", "x".repeat(65), Set.of(), null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> keys.create("alice", "bad\nname", Set.of(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("bad");
    assertThatThrownBy(() -> keys.create("alice", "ci", Set.of("has space"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("has space");
    assertThatThrownBy(() -> keys.create("alice", "ci", Set.of(), Duration.ofSeconds(59)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> keys.create("alice", "ci", Set.of(), Duration.ofDays(366)))
        .isInstanceOf(IllegalArgumentException.class);
    java.util.Set<String> many = new java.util.HashSet<>();
    for (int i = 0; i < 21; i++) {
      many.add("s" + i);
    }
    assertThatThrownBy(() -> keys.create("alice", "ci", many, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eventsNameTheSubjectAndNeverTheKey() {
    ApiKeys.Created created = create("alice");
    keys.verify(created.key());
    keys.verify("lk_acme_nope");
    keys.revoke("alice", created.id());

    assertThat(events)
        .hasExactlyElementsOfTypes(
            AuthEvent.Issued.class,
            AuthEvent.Succeeded.class,
            AuthEvent.Failed.class,
            AuthEvent.Revoked.class);
    assertThat(events.toString()).doesNotContain(created.key());
    assertThat(((AuthEvent.Succeeded) events.get(1)).method()).isEqualTo(ApiKeys.METHOD);
  }

  @Test
  void theBearerPrefixIsRecognisedAndNeverAJwt() {
    assertThat(keys.recognizes(create("alice").key())).isTrue();
    assertThat(keys.recognizes("eyJhbGciOiJIUzI1NiJ9.e30.x")).isFalse();
    assertThat(keys.recognizes(null)).isFalse();
    assertThat(keys.keyPrefix()).isEqualTo("lk_acme_");
  }

  @Test
  void builderSettingsOutOfRangeFailFast() {
    ApiKeys.Builder builder = ApiKeys.builder(store);
    assertThatThrownBy(() -> builder.appPrefix("Acme")).hasMessageContaining("appPrefix");
    assertThatThrownBy(() -> builder.maxKeysPerSubject(0))
        .hasMessageContaining("maxKeysPerSubject");
    assertThatThrownBy(() -> builder.lastUsedInterval(Duration.ZERO))
        .hasMessageContaining("lastUsedInterval");
    assertThatThrownBy(
            () ->
                ApiKeys.builder(store)
                    .defaultLifetime(Duration.ofDays(10))
                    .maxLifetime(Duration.ofDays(5))
                    .build())
        .isInstanceOf(IllegalStateException.class);
  }

  /** Counts the reads and the last-use writes a verification makes. */
  static final class CountingStore implements ApiKeyStore {
    final AtomicInteger finds = new AtomicInteger();
    final AtomicInteger touches = new AtomicInteger();
    private final ApiKeyStore delegate;

    CountingStore(ApiKeyStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public boolean create(ApiKeyRecord key, int maxPerSubject, Instant now) {
      return delegate.create(key, maxPerSubject, now);
    }

    @Override
    public Optional<ApiKeyRecord> find(String id) {
      finds.incrementAndGet();
      return delegate.find(id);
    }

    @Override
    public List<ApiKeyRecord> list(String subject, Instant now) {
      return delegate.list(subject, now);
    }

    @Override
    public boolean revoke(String subject, String id) {
      return delegate.revoke(subject, id);
    }

    @Override
    public void touch(String id, Instant at) {
      touches.incrementAndGet();
      delegate.touch(id, at);
    }
  }
}
