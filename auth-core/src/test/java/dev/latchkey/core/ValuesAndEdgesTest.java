package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.internal.CsrfTokens;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionTouch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The small decisions in auth-core's values and services that decide whether someone is
 * authenticated: a failure never claims success, a session is dead at exactly its expiry, sliding
 * renewal never passes the absolute expiry, the login-name limit is exact, and the unknown-user
 * dummy hash is of a random password.
 */
class ValuesAndEdgesTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  private static final HashedId ID = OpaqueIds.parse(OpaqueIds.generate()).orElseThrow();
  private static final Principal USER = Principal.of("user-1", Set.of("admin"));

  @Test
  void failureNeverClaimsSuccess() {
    assertThat(AuthResult.failure(AuthResult.Reason.INVALID_CREDENTIALS, "no").succeeded())
        .isFalse();
    assertThat(AuthResult.locked(T, "later").succeeded()).isFalse();
    assertThat(AuthResult.success(USER).succeeded()).isTrue();
  }

  @Test
  void principalHasExactlyItsRoles() {
    assertThat(USER.hasRole("admin")).isTrue();
    assertThat(USER.hasRole("Admin")).isFalse();
    assertThat(USER.hasRole("user")).isFalse();
  }

  @Test
  void principalRefusesAnUnpairedSurrogateThatUtf8WouldTurnIntoAnotherUser() {
    // "admin\uD800" would be written as "admin?" in a token or in Redis.
    assertThatThrownBy(() -> Principal.of("admin\uD800"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("subject holds an unpaired UTF-16 surrogate");
    assertThatThrownBy(() -> Principal.of("\uDC00admin"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Principal.of("user-1", Set.of("admin", "ops\uDBFF")))
        .hasMessage("a role holds an unpaired UTF-16 surrogate");
    assertThatThrownBy(() -> new Principal("user-1", Set.of(), Map.of("name\uD800", "x")))
        .hasMessage("an attribute name holds an unpaired UTF-16 surrogate");
    assertThatThrownBy(() -> new Principal("user-1", Set.of(), Map.of("name", "\uDFFFx")))
        .hasMessage("an attribute value holds an unpaired UTF-16 surrogate");
  }

  @Test
  void principalKeepsSurrogatePairs() {
    Principal p =
        new Principal("\uD83D\uDE00-user", Set.of("r\uD834\uDD1E"), Map.of("k", "\uDBFF\uDFFF"));

    assertThat(p.subject()).isEqualTo("\uD83D\uDE00-user");
    assertThat(p.roles()).containsExactly("r\uD834\uDD1E");
  }

  @Test
  void wipeOverwritesThePasswordArray() {
    char[] password = "s3cret!".toCharArray();
    PasswordCredentials credentials = PasswordCredentials.of("alice", password);

    credentials.wipe();

    assertThat(password).containsOnly('\0');
  }

  @Test
  void sessionIsLiveUpToButNotAtItsExpiry() {
    SessionRecord record = record(T, T.plusSeconds(60), T.plusSeconds(600));

    assertThat(record.isLiveAt(T.plusSeconds(60).minusNanos(1))).isTrue();
    assertThat(record.isLiveAt(T.plusSeconds(60))).isFalse();
  }

  @Test
  void withIdChangesOnlyTheId() {
    SessionRecord record = record(T, T.plusSeconds(60), T.plusSeconds(600));
    HashedId other = OpaqueIds.parse(OpaqueIds.generate()).orElseThrow();

    SessionRecord moved = record.withId(other);

    assertThat(moved.id()).isEqualTo(other);
    assertThat(moved.withId(ID)).isEqualTo(record);
  }

  @Test
  void touchRenewsOnlyALiveSessionAndOnlyAfterTheMinimumInterval() {
    SessionRecord record = record(T, T.plusSeconds(60), T.plusSeconds(600));
    Duration idle = Duration.ofSeconds(60);
    Duration interval = Duration.ofSeconds(10);

    assertThat(
            new SessionTouch(T.plusSeconds(10).minusNanos(1), idle, interval, Duration.ZERO)
                .renews(record))
        .isFalse();
    assertThat(new SessionTouch(T.plusSeconds(10), idle, interval, Duration.ZERO).renews(record))
        .isTrue();
    assertThat(new SessionTouch(T.plusSeconds(60), idle, interval, Duration.ZERO).renews(record))
        .isFalse();
    SessionTouch late = new SessionTouch(T.plusSeconds(60), idle, interval, Duration.ZERO);
    assertThat(late.apply(record)).isSameAs(record);
  }

  @Test
  void renewalSlidesTheIdleExpiryButNeverPastTheAbsoluteOne() {
    SessionRecord record = record(T, T.plusSeconds(60), T.plusSeconds(100));
    Duration idle = Duration.ofSeconds(60);
    Duration notice = Duration.ofSeconds(30);

    SessionRecord slid =
        new SessionTouch(T.plusSeconds(20), idle, Duration.ZERO, notice).apply(record);
    assertThat(slid.lastSeenAt()).isEqualTo(T.plusSeconds(20));
    assertThat(slid.expiresAt()).isEqualTo(T.plusSeconds(80));
    assertThat(slid.retainUntil()).isEqualTo(T.plusSeconds(110));
    assertThat(slid.absoluteExpiresAt()).isEqualTo(T.plusSeconds(100));

    SessionRecord capped =
        new SessionTouch(T.plusSeconds(50), idle, Duration.ZERO, notice).apply(record);
    assertThat(capped.expiresAt()).isEqualTo(T.plusSeconds(100));
    assertThat(capped.retainUntil()).isEqualTo(T.plusSeconds(130));

    SessionRecord exact =
        new SessionTouch(T.plusSeconds(40), idle, Duration.ZERO, notice).apply(record);
    assertThat(exact.expiresAt()).isEqualTo(T.plusSeconds(100));
  }

  @Test
  void touchRefusesNegativeDurationsAndTakesZero() {
    assertThatThrownBy(
            () -> new SessionTouch(T, Duration.ofSeconds(-1), Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idleTimeout");
    assertThatThrownBy(
            () -> new SessionTouch(T, Duration.ZERO, Duration.ofNanos(-1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minInterval");
    assertThatThrownBy(
            () -> new SessionTouch(T, Duration.ZERO, Duration.ZERO, Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expiredNotice");
    assertThat(new SessionTouch(T, Duration.ZERO, Duration.ZERO, Duration.ZERO).idleTimeout())
        .isZero();
  }

  @Test
  void loginNameOfExactlyTheLimitIsTriedAndOneMoreIsMalformed() {
    PasswordAuthenticator passwords =
        PasswordAuthenticator.builder(
                InMemoryUserDirectory.create(), BcryptPasswordHasher.withCost(4))
            .build();
    String longest = "a".repeat(PasswordAuthenticator.MAX_LOGIN_NAME_LENGTH);

    assertThat(reason(passwords.authenticate(PasswordCredentials.of(longest, "pw".toCharArray()))))
        .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
    assertThat(
            reason(
                passwords.authenticate(PasswordCredentials.of(longest + "a", "pw".toCharArray()))))
        .isEqualTo(AuthResult.Reason.MALFORMED);
    assertThat(reason(passwords.authenticate(PasswordCredentials.of("", "pw".toCharArray()))))
        .isEqualTo(AuthResult.Reason.MALFORMED);
    assertThat(passwords.toString())
        .startsWith("PasswordAuthenticator[hasher=BcryptPasswordHasher");
  }

  @Test
  void unknownUsersAreCheckedAgainstAHashOfARandomLowercasePassword() {
    BcryptPasswordHasher bcrypt = BcryptPasswordHasher.withCost(4);
    List<String> verifiedAgainst = new CopyOnWriteArrayList<>();
    PasswordHasher recording =
        new PasswordHasher() {
          @Override
          public String hash(char[] password) {
            return bcrypt.hash(password);
          }

          @Override
          public boolean verify(char[] password, String storedHash) {
            verifiedAgainst.add(storedHash);
            return bcrypt.verify(password, storedHash);
          }

          @Override
          public boolean needsRehash(String storedHash) {
            return bcrypt.needsRehash(storedHash);
          }
        };
    PasswordAuthenticator passwords =
        PasswordAuthenticator.builder(InMemoryUserDirectory.create(), recording).build();

    passwords.authenticate(PasswordCredentials.of("nobody", "pw".toCharArray()));

    String dummy = verifiedAgainst.get(0);
    assertThat(bcrypt.verify(new char[32], dummy)).isFalse();
    assertThat(bcrypt.verify(new char[0], dummy)).isFalse();
    assertThat(bcrypt.verify("a".repeat(32).toCharArray(), dummy)).isFalse();
  }

  @Test
  void chainReportsItsTypesAndNamesAMissingType() {
    Authenticator<BearerToken> bearer =
        new Authenticator<>() {
          @Override
          public Class<BearerToken> credentialType() {
            return BearerToken.class;
          }

          @Override
          public AuthResult authenticate(BearerToken credentials) {
            return AuthResult.failure(AuthResult.Reason.INVALID_CREDENTIALS, "no");
          }
        };
    AuthenticatorChain chain = AuthenticatorChain.builder().add(bearer).build();

    assertThat(chain.supportedTypes()).containsExactly(BearerToken.class);
    assertThat(chain.toString()).contains("BearerToken");
    Authenticator<BearerToken> typeless =
        new Authenticator<>() {
          @Override
          public Class<BearerToken> credentialType() {
            return null;
          }

          @Override
          public AuthResult authenticate(BearerToken credentials) {
            return null;
          }
        };
    assertThatThrownBy(() -> AuthenticatorChain.builder().add(typeless))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("credentialType() of " + typeless.getClass().getName());
  }

  @Test
  void originsCompareWithTheSchemesDefaultPortLeftOut() {
    OriginCheck https = OriginCheck.builder("https://app.example").build();
    OriginCheck http = OriginCheck.builder("http://app.example").build();
    OriginCheck custom = OriginCheck.builder("https://app.example:8443").build();

    assertThat(https.allows("POST", null, "https://app.example:443")).isTrue();
    assertThat(https.allows("POST", null, "https://app.example:80")).isFalse();
    assertThat(https.allows("POST", null, "http://app.example")).isFalse();
    assertThat(http.allows("POST", null, "http://app.example:80")).isTrue();
    assertThat(http.allows("POST", null, "http://app.example:443")).isFalse();
    assertThat(custom.allows("POST", null, "https://app.example:8443")).isTrue();
    assertThat(custom.allows("POST", null, "https://app.example")).isFalse();
    assertThat(https.toString()).startsWith("OriginCheck[allowed=[https://app.example]");
  }

  @Test
  void originLongerThan2048CharactersIsRefusedUnread() {
    String host = "a".repeat(2048 - "https://".length() - ".example".length()) + ".example";
    String origin = "https://" + host;
    OriginCheck check = OriginCheck.builder(origin).build();

    assertThat(origin).hasSize(2048);
    assertThat(check.allows("POST", null, origin)).isTrue();
    assertThat(check.allows("POST", null, origin + "a")).isFalse();
  }

  @Test
  void badConfiguredOriginIsNamedPrintableAndShort() {
    assertThatThrownBy(() -> OriginCheck.builder("ftp://x\u00e9y.example"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ftp://x?y.example");
    String longOne = "ftp://" + "b".repeat(200);
    assertThatThrownBy(() -> OriginCheck.builder(longOne))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(longOne.substring(0, 100))
        .hasMessageNotContaining(longOne.substring(0, 101));
    String exactly100 = "ftp://" + "c".repeat(94);
    assertThatThrownBy(() -> OriginCheck.builder(exactly100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(exactly100);
  }

  @Test
  void everyTypeNamesItselfInToStringWithoutItsSecret() {
    String secret = "s3cret-value";
    Map<Object, String> expected =
        Map.of(
            new BearerToken(secret),
            "BearerToken[",
            new SessionCookie(secret),
            "SessionCookie[",
            new TokenService.IssuedToken(secret, T),
            "IssuedToken[",
            CsrfTokens.withKey(
                (secret + secret + secret).getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
            "CsrfTokens[",
            InMemoryUserDirectory.create(),
            "InMemoryUserDirectory");
    expected.forEach(
        (value, prefix) -> assertThat(value.toString()).contains(prefix).doesNotContain(secret));
  }

  private static AuthResult.Reason reason(AuthResult result) {
    return result.failure().orElseThrow().reason();
  }

  private static SessionRecord record(Instant lastSeen, Instant expiresAt, Instant absolute) {
    return new SessionRecord(ID, USER, T, lastSeen, expiresAt, absolute, absolute, Map.of());
  }
}
