/**
 * Latchkey's core: the strategy API, the outcome model, password login, throttling, the HTTP
 * helpers ({@code dev.latchkey.core}) and the store SPIs ({@code dev.latchkey.core.spi}).
 *
 * <p>{@code dev.latchkey.core.internal} is shared with Latchkey's own modules only and is no API.
 *
 * <p>jBCrypt 0.4, the final release of {@code org.mindrot:jbcrypt}, has neither a module descriptor
 * nor an {@code Automatic-Module-Name}, so it is required by the name the JDK derives from its jar
 * file, {@code jbcrypt-0.4.jar}: {@code jbcrypt}. Maven and Gradle put it on the module path under
 * that file name; a build that renames the jar must keep the {@code jbcrypt} prefix.
 */
@SuppressWarnings({"module", "requires-automatic"})
module dev.latchkey.core {
  requires jbcrypt;

  exports dev.latchkey.core;
  exports dev.latchkey.core.spi;
  exports dev.latchkey.core.internal to
      dev.latchkey.session,
      dev.latchkey.token,
      dev.latchkey.redis,
      dev.latchkey.account,
      dev.latchkey.oidc,
      dev.latchkey.web;
}
