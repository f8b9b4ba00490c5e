/**
 * Latchkey's web layer: a request turned into a principal or a ready refusal, and the login,
 * logout, refresh and logout-everywhere handlers, with no web framework ({@code dev.latchkey.web}).
 * Adapters (a Servlet filter, the JDK's {@code HttpServer}) translate their request and response;
 * the rules live here once.
 *
 * <p>{@code dev.latchkey.session}, {@code dev.latchkey.token} and {@code dev.latchkey.account} are
 * read only when present: an application that uses sessions alone needs no token module on its
 * path, and the reverse; the password-reset and second-factor routes need the account module, the
 * OpenID sign-in routes the oidc module, the passkey routes the passkey module.
 */
module dev.latchkey.web {
  requires transitive dev.latchkey.core;
  requires static dev.latchkey.session;
  requires static dev.latchkey.token;
  requires static dev.latchkey.account;
  requires static dev.latchkey.oidc;
  requires static dev.latchkey.passkey;
  requires static dev.latchkey.password;

  exports dev.latchkey.web;
}
