/**
 * Latchkey's password hashing beside bCrypt and its password policy ({@code
 * dev.latchkey.password}): Argon2id (the default for new hashes), scrypt and PBKDF2-HMAC-SHA256 in
 * their standard encodings, one verifier for every supported format that rehashes on login, a
 * rotatable pepper, long passphrases; and a NIST SP 800-63B-4 policy for new passwords with a
 * blocklist, context words and the Pwned Passwords range check.
 *
 * <p>Argon2 and scrypt come from Bouncy Castle's provider jar ({@code org.bouncycastle.provider});
 * PBKDF2 and HMAC from the JDK; bCrypt from {@code auth-core}.
 */
module dev.latchkey.password {
  requires transitive dev.latchkey.core;
  requires org.bouncycastle.provider;
  requires java.net.http;

  exports dev.latchkey.password;
}
