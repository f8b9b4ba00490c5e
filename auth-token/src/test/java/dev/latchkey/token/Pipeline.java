package dev.latchkey.token;

/** Steps of the verification pipeline, run by hand for tests of one key against one token. */
final class Pipeline {
  private Pipeline() {}

  /**
   * Checks {@code jws}'s parsed header against {@code key} (not its {@code typ}) and its signature
   * with {@code key}, as verification does once the key is selected.
   */
  static void verifyWith(CompactJws jws, SigningKey key) throws Refusal {
    KeySelector.checkHeader(jws, key);
    key.signatureCheck().require(jws);
  }
}
