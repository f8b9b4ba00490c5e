/**
 * What a store implementation needs: the store interfaces ({@link
 * dev.latchkey.core.spi.SessionStore}, {@link dev.latchkey.core.spi.RevocationList}, {@link
 * dev.latchkey.core.spi.RefreshTokenStore}, {@link dev.latchkey.core.spi.OneTimeTokenStore}, {@link
 * dev.latchkey.core.spi.SecondFactorStore}, {@link dev.latchkey.core.spi.ApiKeyStore}, {@link
 * dev.latchkey.core.spi.PasskeyStore}) and the values they exchange with the library's services.
 * Applications that use the built-in in-memory or Redis stores never touch this package; an
 * application that keeps its sessions or revocations elsewhere implements one interface here and
 * runs the matching contract suite from {@code auth-core}'s test-jar against it.
 *
 * <p>Stores are deliberately small and policy-free: expiry rules, renewal, hashing of credentials
 * and fail-closed handling live in the services. Every store method may throw {@link
 * dev.latchkey.core.StoreUnavailableException} when its backend cannot be reached.
 */
package dev.latchkey.core.spi;
