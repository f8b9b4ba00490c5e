/** Passwords: hashing, checking a login, and what a failed login says. */
package dev.latchkey.examples.passwords;
