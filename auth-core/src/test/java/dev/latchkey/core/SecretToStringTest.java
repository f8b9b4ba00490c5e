package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.internal.CsrfTokens;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every type that holds a secret keeps it out of {@code toString()}. */
class SecretToStringTest {
  private static final String SECRET = "Xy7-very-secret-value";

  @Test
  void passwordCredentials() {
    PasswordCredentials credentials =
        PasswordCredentials.of("alice", SECRET.toCharArray(), "192.0.2.1");

    assertThat(credentials.toString()).contains("alice").doesNotContain(SECRET);
  }

  @Test
  void sessionCookie() {
    assertThat(new SessionCookie(SECRET).toString()).doesNotContain(SECRET);
  }

  @Test
  void bearerToken() {
    assertThat(new BearerToken(SECRET).toString()).doesNotContain(SECRET);
    assertThat(BearerHeader.parse("Bearer " + SECRET).toString()).doesNotContain(SECRET);
  }

  @Test
  void userAccountHidesThePasswordHash() {
    String hash = BcryptPasswordHasher.withCost(4).hash(SECRET.toCharArray());
    UserAccount account = new UserAccount("alice", Principal.of("user-1", Set.of("admin")), hash);

    assertThat(account.toString())
        .contains("alice")
        .contains("user-1")
        .doesNotContain(hash)
        .doesNotContain(hash.substring(7));
  }

  @Test
  void issuedToken() {
    TokenService.IssuedToken token = new TokenService.IssuedToken(SECRET, Instant.EPOCH);

    assertThat(token.toString()).doesNotContain(SECRET);
  }

  @Test
  void setCookie() {
    assertThat(SetCookie.builder("sid", SECRET).build().toString()).doesNotContain(SECRET);
  }

  @Test
  void csrfTokens() {
    byte[] key = (SECRET + SECRET).getBytes(StandardCharsets.US_ASCII);

    assertThat(CsrfTokens.withKey(key).toString()).doesNotContain(SECRET);
  }

  @Test
  void hasherAndDirectoryShowNoHashes() {
    String hash = BcryptPasswordHasher.withCost(4).hash(SECRET.toCharArray());
    InMemoryUserDirectory directory =
        InMemoryUserDirectory.create().add(new UserAccount("alice", Principal.of("u"), hash));

    assertThat(directory.toString()).doesNotContain(hash).doesNotContain("alice");
    assertThat(BcryptPasswordHasher.withCost(4).toString()).doesNotContain("$2a$");
  }
}
