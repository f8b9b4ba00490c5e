/**
 * Latchkey in a Jakarta Servlet 6 container (Jetty 12 ee10, Tomcat 11, or any other): {@link
 * dev.latchkey.servlet.LatchkeyFilter} answers the authentication routes of a {@link
 * dev.latchkey.web.WebAuth}, refuses what it refuses and lets the rest through as the caller's
 * principal, which the application reads with {@link dev.latchkey.servlet.LatchkeyRequests} or the
 * standard {@code getUserPrincipal()} and {@code isUserInRole(role)}. The rules live in {@code
 * WebAuth}; this package only translates requests and responses.
 */
package dev.latchkey.servlet;
