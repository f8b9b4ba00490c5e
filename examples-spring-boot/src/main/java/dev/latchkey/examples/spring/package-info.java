/**
 * A Spring Boot MVC application protected by Latchkey's Servlet filter, without Spring Security:
 * {@link dev.latchkey.examples.spring.LatchkeyConfiguration} builds the services and registers the
 * filter, which answers the authentication routes ({@code POST /session-login}, {@code
 * /token-login}, ...) and refuses unauthenticated requests before any controller runs; {@link
 * dev.latchkey.examples.spring.ProfileController} only reads the principal the filter let through.
 */
package dev.latchkey.examples.spring;
