package dev.latchkey.examples.passwords;

import dev.latchkey.core.InMemoryUserDirectory;
import dev.latchkey.core.PasswordAuthenticator;
import dev.latchkey.core.PasswordCredentials;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.Principal;
import dev.latchkey.core.UserAccount;
import dev.latchkey.password.HashAlgorithm;
import dev.latchkey.password.PasswordHashers;
import dev.latchkey.password.PasswordPolicy;
import dev.latchkey.password.Pepper;
import dev.latchkey.password.PolicyResult;
import java.security.SecureRandom;

/**
 * Migration to Argon2id: a directory with a bCrypt hash and an Argon2 hash from the reference
 * command logs in through one {@link PasswordHashers}, and each account is rehashed to Argon2id
 * under the current pepper at its login; then the policy judges two new passwords.
 *
 * <p>Run: {@code mvn -B -q package -DskipTests && java -cp examples/target/latchkey-demo.jar
 * dev.latchkey.examples.passwords.PasswordMigrationExample}
 */
public final class PasswordMigrationExample {
  private PasswordMigrationExample() {}

  public static void main(String[] args) {
    InMemoryUserDirectory users = InMemoryUserDirectory.create();
    users.add(
        new UserAccount(
            "alice",
            Principal.of("alice"),
            PasswordHasher.bcrypt(10).hash("correct horse battery staple".toCharArray())));
    // echo -n "correct horse battery staple" | argon2 saltsaltsalt16b -id -t 2 -k 19456 -p 1 -e
    users.add(
        new UserAccount(
            "bob",
            Principal.of("bob"),
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0MTZi"
                + "$ruW22rZ+Z2oQpc09UDt/snC/wUlvZib0deQGUp52TIc"));

    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key); // in production: from a secret manager, never the database
    PasswordHashers hashers =
        PasswordHashers.builder()
            .algorithm(HashAlgorithm.argon2id()) // the default: m=19456 KiB, t=2, p=1
            .pepper(Pepper.of("2026a", key))
            .build();
    PasswordAuthenticator passwords =
        PasswordAuthenticator.builder(users, hashers)
            .onRehash((account, hash) -> users.updatePasswordHash(account.loginName(), hash))
            .build();

    for (String name : new String[] {"alice", "bob"}) {
      boolean ok =
          passwords
              .authenticate(
                  PasswordCredentials.of(name, "correct horse battery staple".toCharArray()))
              .succeeded();
      String stored = users.findByLoginName(name).orElseThrow().passwordHash();
      System.out.println(name + ": " + ok + ", now " + stored.substring(0, 46) + "...");
    }

    PasswordPolicy policy = PasswordPolicy.builder().contextWords("example").build();
    PolicyResult weak = policy.check("password1".toCharArray(), "carol", false);
    PolicyResult good = policy.check("a sea of little stones".toCharArray(), "carol", false);
    System.out.println("password1: " + weak.codes()); // [too_short, common]
    System.out.println("a sea of little stones: " + good.accepted()); // true
  }
}
