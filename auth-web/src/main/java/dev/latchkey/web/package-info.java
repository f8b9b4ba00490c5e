/**
 * The HTTP boundary, once and correct: {@link dev.latchkey.web.WebAuth} reads a {@link
 * dev.latchkey.web.WebRequest} (method, path, headers, client address, body) and answers either who
 * is calling ({@link dev.latchkey.web.AccessDecision}) or the {@link dev.latchkey.web.WebResponse}
 * to refuse with: 401 with its {@code WWW-Authenticate}, 403 for a cross-site or CSRF-less
 * state-changing request, 429 and 503 with {@code Retry-After}. The same class answers the login,
 * logout, refresh and logout-everywhere routes. Nothing here depends on a web framework.
 */
package dev.latchkey.web;
