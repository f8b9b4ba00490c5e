/**
 * Latchkey in a Jakarta Servlet 6 container ({@code dev.latchkey.servlet}): {@link
 * dev.latchkey.servlet.LatchkeyFilter} in front of the application's servlets, and {@link
 * dev.latchkey.servlet.LatchkeyRequests} to read who is calling.
 *
 * <p>The container provides {@code jakarta.servlet}; the filter's signatures use it, so a module
 * that requires this one reads it too.
 */
module dev.latchkey.servlet {
  requires transitive dev.latchkey.web;
  requires transitive jakarta.servlet;

  exports dev.latchkey.servlet;
}
