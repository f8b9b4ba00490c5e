/**
 * A small application that uses Latchkey only through its module descriptors: the build runs it on
 * the module path, so a library descriptor that misses an export or a {@code requires} fails the
 * build. Never published.
 */
module dev.latchkey.modulepathtest {
  requires dev.latchkey.account;
  requires dev.latchkey.oidc;
  requires dev.latchkey.passkey;
  requires dev.latchkey.password;
  requires dev.latchkey.session;
  requires dev.latchkey.token;
  requires dev.latchkey.redis;
  requires dev.latchkey.web;
  requires dev.latchkey.servlet;
  requires dev.latchkey.micrometer;
}
