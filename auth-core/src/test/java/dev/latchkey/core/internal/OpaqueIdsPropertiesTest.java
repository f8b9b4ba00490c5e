package dev.latchkey.core.internal;

import static dev.latchkey.core.HostileInput.bounded;
import static dev.latchkey.core.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Gen;
import dev.latchkey.core.HostileInput;
import dev.latchkey.core.spi.HashedId;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link OpaqueIds#parse}, which every session id and refresh token from a client goes through
 * before any store is asked: it answers only empty or a hash, within a bound; it accepts exactly
 * the documented shape; and a changed id never parses to the hash of the id it was changed from.
 */
public class OpaqueIdsPropertiesTest {
  /**
   * The documented shape as an oracle: 42 base64url characters, a 43rd whose two spare bits are
   * zero (its value is a multiple of 4), a dot and a 3-character shard.
   */
  private static final Pattern SHAPE =
      Pattern.compile("[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]\\.[A-Za-z0-9_-]{3}", Pattern.DOTALL);

  @Test
  void anyStringParsesExactlyWhenItHasTheShape() {
    forAll(
        1000,
        candidates(),
        raw -> {
          Optional<HashedId> parsed = bounded(() -> OpaqueIds.parse(raw));

          boolean shaped = raw != null && SHAPE.matcher(raw).matches();
          assertThat(parsed.isPresent()).as(String.valueOf(raw)).isEqualTo(shaped);
          parsed.ifPresent(
              id -> {
                assertThat(id.hash()).isEqualTo(OpaqueIds.hash(raw));
                assertThat(id.shard()).isEqualTo(raw.substring(OpaqueIds.RANDOM_CHARS + 1));
              });
        });
  }

  @Test
  void changedIdNeverParsesToTheOriginalsHash() {
    forAll(
        1000,
        mutatedIds(),
        id -> {
          HashedId original = OpaqueIds.parse(id.original()).orElseThrow();

          Optional<HashedId> parsed = bounded(() -> OpaqueIds.parse(id.mutated()));

          if (id.changed()) {
            parsed.ifPresent(p -> assertThat(p.hash()).isNotEqualTo(original.hash()));
          } else {
            assertThat(parsed).contains(original);
          }
        });
  }

  @Test
  void everyAcceptedIdIsTheCanonicalEncodingOfItsBytes() {
    forAll(
        1000,
        mutatedIds(),
        id -> {
          Optional<HashedId> parsed = OpaqueIds.parse(id.mutated());

          parsed.ifPresent(
              p -> {
                // One 256-bit value, one string: otherwise two cookies would be one session.
                String random = id.mutated().substring(0, OpaqueIds.RANDOM_CHARS);
                byte[] bytes = Base64.getUrlDecoder().decode(random);
                assertThat(bytes).hasSize(OpaqueIds.RANDOM_BYTES);
                assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))
                    .isEqualTo(random);
              });
        });
  }

  @Test
  void megabyteInputIsRefusedInBoundedTime() {
    forAll(
        5,
        hugeInputs(),
        raw -> {
          assertThat(bounded(() -> OpaqueIds.parse(raw))).isEmpty();
        });
  }

  Gen<String> candidates() {
    return Gen.oneOf(
        HostileInput.hostileStrings(60),
        // Right length and dot, base64url characters: reaches the spare-bits check, which a
        // quarter of these pass.
        Gen.strings(
                Gen.charsOf(HostileInput.BASE64URL), OpaqueIds.RANDOM_CHARS, OpaqueIds.RANDOM_CHARS)
            .flatMap(
                random ->
                    Gen.strings(
                            Gen.charsOf(HostileInput.BASE64URL + "=."),
                            OpaqueIds.SHARD_CHARS,
                            OpaqueIds.SHARD_CHARS)
                        .map(shard -> random + '.' + shard)),
        validIds(),
        HostileInput.mutationsOf(validIds()).map(HostileInput.Mutated::mutated),
        Gen.just((String) null));
  }

  Gen<HostileInput.Mutated> mutatedIds() {
    return HostileInput.mutationsOf(validIds());
  }

  Gen<String> hugeInputs() {
    return Gen.of("", OpaqueIds.generate()).flatMap(HostileInput::hugeStrings);
  }

  /** Ids as {@link OpaqueIds#generateInShard} makes them, from drawn bytes so a failure replays. */
  public static Gen<String> validIds() {
    return random ->
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Gen.bytes(OpaqueIds.RANDOM_BYTES).next(random))
            + '.'
            + Gen.strings(
                    Gen.charsOf(HostileInput.BASE64URL),
                    OpaqueIds.SHARD_CHARS,
                    OpaqueIds.SHARD_CHARS)
                .next(random);
  }
}
