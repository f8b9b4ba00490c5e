/**
 * Latchkey's account flows beside the login ({@code dev.latchkey.account}): one-time tokens for
 * password reset, email verification, magic links and email codes; a TOTP second factor with
 * recovery codes; and API keys. Each keeps its state behind a store SPI of {@code
 * dev.latchkey.core.spi}, with an in-memory store here and a Redis one in {@code auth-redis}.
 */
module dev.latchkey.account {
  requires transitive dev.latchkey.core;

  exports dev.latchkey.account;
}
