package dev.latchkey.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PasswordHashersTest {
  static final HashAlgorithm ARGON2 = new HashAlgorithm.Argon2id(64, 1, 1);
  static final HashAlgorithm SCRYPT = new HashAlgorithm.Scrypt(4, 8, 1);
  static final HashAlgorithm PBKDF2 = new HashAlgorithm.Pbkdf2Sha256(1000);
  static final HashAlgorithm BCRYPT = new HashAlgorithm.Bcrypt(4);
  static final List<HashAlgorithm> ALL = List.of(ARGON2, SCRYPT, PBKDF2, BCRYPT);

  static final Pepper P1 = Pepper.of("p1", new byte[32]);
  static final Pepper P2 = Pepper.of("p2", filled(32, 7));

  static byte[] filled(int length, int value) {
    byte[] out = new byte[length];
    java.util.Arrays.fill(out, (byte) value);
    return out;
  }

  static PasswordHashers hashers(HashAlgorithm algorithm) {
    return PasswordHashers.builder().algorithm(algorithm).build();
  }

  @Test
  void defaultsAreTheOwaspMinimums() {
    assertThat(PasswordHashers.builder().build().algorithm())
        .isEqualTo(new HashAlgorithm.Argon2id(19456, 2, 1));
    assertThat(HashAlgorithm.scrypt()).isEqualTo(new HashAlgorithm.Scrypt(17, 8, 1));
    assertThat(HashAlgorithm.pbkdf2Sha256()).isEqualTo(new HashAlgorithm.Pbkdf2Sha256(600_000));
  }

  @Test
  void eachAlgorithmWritesItsStandardFormatAndVerifiesIt() {
    String[] prefixes = {
      "$argon2id$v=19$m=64,t=1,p=1$",
      "$scrypt$ln=4,r=8,p=1$",
      "$pbkdf2-sha256$i=1000,l=32$",
      "$bcrypt-sha384$2a$04$"
    };
    for (int i = 0; i < ALL.size(); i++) {
      PasswordHashers h = hashers(ALL.get(i));
      String hash = h.hash("correct horse battery staple".toCharArray());
      assertThat(hash).startsWith(prefixes[i]);
      assertThat(h.verify("correct horse battery staple".toCharArray(), hash)).isTrue();
      assertThat(h.verify("correct horse battery stapl".toCharArray(), hash)).isFalse();
      assertThat(h.needsRehash(hash)).isFalse();
      assertThat(h.hash("correct horse battery staple".toCharArray())).isNotEqualTo(hash);
    }
  }

  @Test
  void argon2HashHasTheReferenceLayout() {
    String hash = hashers(ARGON2).hash("pw".toCharArray());
    // 16-byte salt and 32-byte tag in unpadded standard base64: 22 and 43 characters.
    assertThat(hash)
        .matches("\\$argon2id\\$v=19\\$m=64,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
  }

  @Test
  void everyLengthUpToTheBoundWorksForEveryAlgorithmAndOneMoreIsRefused() {
    char[] atBound = "é".repeat(512).toCharArray(); // 1,024 UTF-8 bytes
    char[] otherAtBound = ("é".repeat(510) + "e\u0301").toCharArray(); // 1,023 bytes raw
    char[] overBound = ("é".repeat(512) + "a").toCharArray();
    for (HashAlgorithm a : ALL) {
      PasswordHashers h = hashers(a);
      String hash = h.hash(atBound);
      assertThat(h.verify(atBound, hash)).as(a.toString()).isTrue();
      // Differing in the last character only: nothing is truncated (NFKC composes e + U+0301 to é,
      // so that one must match, and one byte more is refused).
      assertThat(h.verify("é".repeat(511).concat("e").toCharArray(), hash)).isFalse();
      assertThat(h.check(overBound, hash)).isEqualTo(PasswordCheck.UNUSABLE_PASSWORD);
      assertThatThrownBy(() -> h.hash(overBound))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining("é");
      assertThat(h.accepts(otherAtBound)).isTrue();
    }
  }

  @Test
  void bcryptNeverTruncates() {
    PasswordHashers h = hashers(BCRYPT);
    char[] long1 = ("a".repeat(72) + "1").toCharArray();
    char[] long2 = ("a".repeat(72) + "2").toCharArray();
    String hash = h.hash(long1);
    assertThat(h.verify(long1, hash)).isTrue();
    assertThat(h.verify(long2, hash)).isFalse();
  }

  @Test
  void nfkcFormsOfOnePasswordAreOnePassword() {
    for (HashAlgorithm a : ALL) {
      PasswordHashers h = hashers(a);
      String hash = h.hash("ｐａｓｓ ﬁne café".toCharArray()); // full-width, ligature, composed é
      assertThat(h.verify("pass fine cafe\u0301".toCharArray(), hash)).as(a.toString()).isTrue();
      assertThat(h.verify("pass fine cafe".toCharArray(), hash)).isFalse();
    }
  }

  @Test
  void unreadableHashesAreRefusedAsValuesAfterTheWorkOfAWrongPassword() {
    List<String> runs = Collections.synchronizedList(new ArrayList<>());
    PasswordHashers h = PasswordHashers.builder().algorithm(ARGON2).meter(runs::add).build();
    String good = h.hash("right".toCharArray());
    runs.clear();
    assertThat(h.check("wrong".toCharArray(), good)).isEqualTo(PasswordCheck.MISMATCH);
    assertThat(runs).containsExactly("argon2");
    for (String bad :
        new String[] {
          null,
          "",
          "!",
          "*",
          "$argon2id$v=19$m=64,t=1,p=1$$",
          "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA",
          "$scrypt$ln=30,r=8,p=1$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA",
          "$pbkdf2-sha256$i=01$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA",
          "$2b$99$abcdefghijklmnopqrstuv1234567890123456789012345678901",
          "$md5$x",
          "plain text",
          "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ=$c2FsdHNhbHRzYWx0c2FsdA",
          "$pepper$k=bad id$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA"
        }) {
      runs.clear();
      assertThat(h.check("right".toCharArray(), bad))
          .as(bad)
          .isEqualTo(PasswordCheck.UNREADABLE_HASH);
      assertThat(runs).as(bad).containsExactly("argon2");
      assertThat(h.needsRehash(bad)).isTrue();
    }
    runs.clear();
    assertThat(h.check("x".repeat(2000).toCharArray(), good))
        .isEqualTo(PasswordCheck.UNUSABLE_PASSWORD);
    assertThat(h.check(new char[] {'a', '\ud800'}, good))
        .isEqualTo(PasswordCheck.UNUSABLE_PASSWORD);
    assertThat(runs).containsExactly("argon2", "argon2");
  }

  @Test
  void aLoginDoesOneRunForAWrongPasswordAnUnknownUserADisabledAccountAndAnUnknownPepper() {
    List<String> runs = Collections.synchronizedList(new ArrayList<>());
    PasswordHashers h =
        PasswordHashers.builder().algorithm(ARGON2).pepper(P2).meter(runs::add).build();
    dev.latchkey.core.InMemoryUserDirectory users =
        dev.latchkey.core.InMemoryUserDirectory.create();
    users.add(
        new dev.latchkey.core.UserAccount(
            "live", dev.latchkey.core.Principal.of("live"), h.hash("right".toCharArray())));
    users.add(
        new dev.latchkey.core.UserAccount("disabled", dev.latchkey.core.Principal.of("d"), "!"));
    users.add(
        new dev.latchkey.core.UserAccount(
            "retired",
            dev.latchkey.core.Principal.of("r"),
            PasswordHashers.builder()
                .algorithm(ARGON2)
                .pepper(P1)
                .build()
                .hash("right".toCharArray())));
    dev.latchkey.core.PasswordAuthenticator login =
        dev.latchkey.core.PasswordAuthenticator.builder(users, h).build();
    for (String name : List.of("live", "nobody", "disabled", "retired")) {
      runs.clear();
      assertThat(
              login
                  .authenticate(
                      dev.latchkey.core.PasswordCredentials.of(name, "wrong".toCharArray()))
                  .succeeded())
          .isFalse();
      assertThat(runs).as(name).containsExactly("argon2");
    }
  }

  @Test
  void aNonNfkcPasswordCostsTwoRunsWhateverTheAccount() {
    List<String> runs = Collections.synchronizedList(new ArrayList<>());
    PasswordHashers h = PasswordHashers.builder().algorithm(ARGON2).meter(runs::add).build();
    String good = h.hash("café".toCharArray());
    runs.clear();
    assertThat(h.check("cafe\u0301".toCharArray(), good)).isEqualTo(PasswordCheck.MATCH);
    assertThat(runs).hasSize(2);
    runs.clear();
    assertThat(h.check("cafe\u0301".toCharArray(), "!")).isEqualTo(PasswordCheck.UNREADABLE_HASH);
    assertThat(runs).hasSize(2);
  }

  @Test
  void rehashWhenAlgorithmOrParametersOrPepperDiffer() {
    PasswordHashers current = hashers(ARGON2);
    PasswordHashers weaker = hashers(new HashAlgorithm.Argon2id(32, 1, 1));
    PasswordHashers stronger = hashers(new HashAlgorithm.Argon2id(128, 2, 1));
    assertThat(current.needsRehash(weaker.hash("x".toCharArray()))).isTrue();
    assertThat(current.needsRehash(stronger.hash("x".toCharArray()))).isFalse();
    for (HashAlgorithm a : List.of(SCRYPT, PBKDF2, BCRYPT)) {
      assertThat(current.needsRehash(hashers(a).hash("x".toCharArray()))).isTrue();
    }
    assertThat(
            hashers(new HashAlgorithm.Bcrypt(5))
                .needsRehash(hashers(BCRYPT).hash("x".toCharArray())))
        .isTrue();
    assertThat(
            hashers(SCRYPT)
                .needsRehash(hashers(new HashAlgorithm.Scrypt(5, 8, 1)).hash("x".toCharArray())))
        .isFalse();
    assertThat(
            hashers(PBKDF2)
                .needsRehash(hashers(new HashAlgorithm.Pbkdf2Sha256(999)).hash("x".toCharArray())))
        .isTrue();
    // A plain $2b$ hash at the current cost is still rehashed: new bCrypt hashes are pre-hashed.
    assertThat(
            hashers(BCRYPT)
                .needsRehash("$2b$04$3.lm2hYZRMWm8NreylqGHOT2sGCJw1E2KzPPbpWoYvzo6/EfDdO/K"))
        .isTrue();
    PasswordHashers peppered = PasswordHashers.builder().algorithm(ARGON2).pepper(P1).build();
    assertThat(peppered.needsRehash(current.hash("x".toCharArray()))).isTrue();
    assertThat(current.needsRehash(peppered.hash("x".toCharArray()))).isTrue();
  }

  @Test
  void pepperRotationVerifiesOldIdsAndRefusesUnknownOnes() {
    PasswordHashers old = PasswordHashers.builder().algorithm(ARGON2).pepper(P1).build();
    PasswordHashers rotated =
        PasswordHashers.builder().algorithm(ARGON2).pepper(P2).previousPeppers(P1).build();
    PasswordHashers forgotten = PasswordHashers.builder().algorithm(ARGON2).pepper(P2).build();
    String underP1 = old.hash("secret words".toCharArray());
    assertThat(underP1).startsWith("$pepper$k=p1$argon2id$");
    assertThat(rotated.check("secret words".toCharArray(), underP1)).isEqualTo(PasswordCheck.MATCH);
    assertThat(rotated.check("secret word".toCharArray(), underP1))
        .isEqualTo(PasswordCheck.MISMATCH);
    assertThat(rotated.needsRehash(underP1)).isTrue();
    String underP2 = rotated.hash("secret words".toCharArray());
    assertThat(underP2).startsWith("$pepper$k=p2$");
    assertThat(rotated.needsRehash(underP2)).isFalse();
    assertThat(forgotten.check("secret words".toCharArray(), underP1))
        .isEqualTo(PasswordCheck.UNKNOWN_PEPPER);
    // The pepper is in the hash: without it, the inner hash does not verify the password.
    String inner = underP2.substring("$pepper$k=p2".length());
    assertThat(hashers(ARGON2).verify("secret words".toCharArray(), inner)).isFalse();
    // A forged id on a hash is refused, not verified under another key.
    assertThat(rotated.check("secret words".toCharArray(), "$pepper$k=p9" + inner))
        .isEqualTo(PasswordCheck.UNKNOWN_PEPPER);
  }

  @Test
  void configurationErrorsThrowAtBuildTime() {
    assertThatThrownBy(() -> Pepper.of("p", new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Pepper.of("a b", new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HashAlgorithm.Argon2id(7, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HashAlgorithm.Bcrypt(3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PasswordHashers.builder().maxPasswordBytes(63))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                PasswordHashers.builder()
                    .pepper(P1)
                    .previousPeppers(Pepper.of("p1", new byte[32]))
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noSecretInToString() {
    Pepper p = Pepper.of("k1", filled(32, 0x41));
    assertThat(p.toString()).isEqualTo("Pepper[id=k1]");
    assertThat(PasswordHashers.builder().algorithm(ARGON2).pepper(p).build().toString())
        .doesNotContain("AAAA")
        .contains("k1");
  }

  @Test
  void theCallersArrayIsNeitherKeptNorChanged() {
    char[] password = "cafe\u0301 ﬁ".toCharArray();
    char[] copy = password.clone();
    PasswordHashers h = hashers(ARGON2);
    String hash = h.hash(password);
    h.verify(password, hash);
    assertThat(password).isEqualTo(copy);
  }
}
