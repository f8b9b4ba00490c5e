package dev.latchkey.password;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.InMemoryUserDirectory;
import dev.latchkey.core.PasswordAuthenticator;
import dev.latchkey.core.PasswordCredentials;
import dev.latchkey.core.Principal;
import dev.latchkey.core.UserAccount;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A directory with users hashed in every format, one under an old pepper: each logs in, is rehashed
 * to Argon2id under the current pepper through {@code onRehash}, and logs in again with the new
 * hash; wrong passwords are refused before and after.
 */
class MigrationTest {
  private static final HashAlgorithm CURRENT = new HashAlgorithm.Argon2id(64, 2, 1);
  private static final Pepper OLD = Pepper.of("old", PasswordHashersTest.filled(32, 1));
  private static final Pepper NEW = Pepper.of("new", PasswordHashersTest.filled(32, 2));

  @Test
  void everyFormatLogsInAndMovesToTheCurrentDefault() throws Exception {
    String pw = "correct horse battery staple";
    Map<String, String> users = new LinkedHashMap<>();
    // Foreign hashes of the same password: argon2 command, libxcrypt bCrypt, hashlib scrypt/PBKDF2.
    for (ForeignHashesTest.Fixture f : ForeignHashesTest.fixtures()) {
      if (f.password().equals(pw)) {
        users.put("foreign" + users.size(), f.hash());
      }
    }
    assertThat(users).hasSize(7);
    users.put(
        "bcrypt-prehashed", hashers(new HashAlgorithm.Bcrypt(4), null).hash(pw.toCharArray()));
    users.put(
        "argon2-weaker",
        hashers(new HashAlgorithm.Argon2id(32, 1, 1), null).hash(pw.toCharArray()));
    users.put("old-pepper", hashers(CURRENT, OLD).hash(pw.toCharArray()));
    users.put("core-bcrypt", dev.latchkey.core.PasswordHasher.bcrypt(4).hash(pw.toCharArray()));

    InMemoryUserDirectory directory = InMemoryUserDirectory.create();
    users.forEach((name, hash) -> directory.add(new UserAccount(name, Principal.of(name), hash)));
    PasswordHashers hashers =
        PasswordHashers.builder().algorithm(CURRENT).pepper(NEW).previousPeppers(OLD).build();
    Map<String, String> rehashed = new LinkedHashMap<>();
    PasswordAuthenticator login =
        PasswordAuthenticator.builder(directory, hashers)
            .onRehash(
                (account, hash) -> {
                  rehashed.put(account.loginName(), hash);
                  directory.updatePasswordHash(account.loginName(), hash);
                })
            .build();

    for (String name : users.keySet()) {
      assertThat(login.authenticate(credentials(name, pw + "x")).failure().orElseThrow().reason())
          .as(name)
          .isEqualTo(AuthResult.Reason.INVALID_CREDENTIALS);
      assertThat(rehashed).doesNotContainKey(name);
      assertThat(login.authenticate(credentials(name, pw)).succeeded()).as(name).isTrue();
      String now = rehashed.get(name);
      assertThat(now).as(name).startsWith("$pepper$k=new$argon2id$v=19$m=64,t=2,p=1$");
      assertThat(hashers.needsRehash(now)).isFalse();
      assertThat(login.authenticate(credentials(name, pw)).succeeded()).as(name).isTrue();
      assertThat(login.authenticate(credentials(name, pw + "x")).succeeded()).as(name).isFalse();
    }
    assertThat(rehashed).hasSize(users.size());
  }

  private static PasswordHashers hashers(HashAlgorithm algorithm, Pepper pepper) {
    PasswordHashers.Builder b = PasswordHashers.builder().algorithm(algorithm);
    return pepper == null ? b.build() : b.pepper(pepper).build();
  }

  private static PasswordCredentials credentials(String name, String password) {
    return PasswordCredentials.of(name, password.toCharArray());
  }
}
