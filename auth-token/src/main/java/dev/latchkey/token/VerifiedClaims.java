package dev.latchkey.token;

import dev.latchkey.core.Principal;
import java.time.Instant;
import java.util.Map;

/**
 * The claims of a token whose signature, header, issuer and audience have been checked: what the
 * time and revocation checks of every call need, and the principal to answer with. Immutable, so it
 * can be cached and shared.
 *
 * @param expiresAtMillis {@code exp} in epoch milliseconds
 * @param notBeforeMillis {@code nbf} in epoch milliseconds, {@link Long#MIN_VALUE} when absent
 * @param issuedAtMillis {@code iat} in epoch milliseconds
 * @param familyId {@code sid}, the refresh family the token names; null when it names none
 * @param claims the whole payload as read, never modified: the source of {@link AccessToken}
 */
record VerifiedClaims(
    Principal principal,
    String issuer,
    String tokenId,
    Instant issuedAt,
    long issuedAtMillis,
    long expiresAtMillis,
    long notBeforeMillis,
    String familyId,
    Map<String, Object> claims) {}
