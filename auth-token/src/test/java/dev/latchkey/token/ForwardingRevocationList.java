package dev.latchkey.token;

import dev.latchkey.core.spi.RevocationList;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link RevocationList} that hands every call to another: a test overrides only the calls it
 * makes fail or slow.
 */
class ForwardingRevocationList implements RevocationList {
  private final RevocationList delegate;

  ForwardingRevocationList(RevocationList delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public void revokeToken(
      String issuer, String tokenId, String subject, Instant issuedAt, Instant expiresAt) {
    delegate.revokeToken(issuer, tokenId, subject, issuedAt, expiresAt);
  }

  @Override
  public void revokeFamily(
      String subject, String familyId, Instant issuedBefore, Instant retainUntil) {
    delegate.revokeFamily(subject, familyId, issuedBefore, retainUntil);
  }

  @Override
  public void revokeSubject(String subject, Instant issuedBefore, Instant retainUntil) {
    delegate.revokeSubject(subject, issuedBefore, retainUntil);
  }

  @Override
  public boolean isRevoked(
      String issuer, String tokenId, String subject, String familyId, Instant issuedAt) {
    return delegate.isRevoked(issuer, tokenId, subject, familyId, issuedAt);
  }

  @Override
  public Optional<Instant> notBefore(String subject) {
    return delegate.notBefore(subject);
  }
}
