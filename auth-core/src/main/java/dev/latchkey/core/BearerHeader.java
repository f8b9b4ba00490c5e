package dev.latchkey.core;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What an {@code Authorization} header says about a bearer token (RFC 6750 §2.1): a {@link Token},
 * {@link Missing}, or {@link Malformed}. Parsing never throws; the result is a value read through
 * {@link #token()}, {@link #failure()} or {@link #fold}, with no cast:
 *
 * <pre>{@code
 * AuthResult result =
 *     BearerHeader.parse(request.getHeader("Authorization"))
 *         .fold(chain::authenticate, failure -> failure);
 * }</pre>
 *
 * <p>The rules: the scheme {@code Bearer} in any ASCII case, exactly one space, then a {@code
 * b64token} — one or more of {@code A-Z a-z 0-9 - . _ ~ + /} followed by any number of {@code =} —
 * and nothing else (no surrounding or trailing whitespace, no second space, no non-ASCII), at most
 * {@value #MAX_TOKEN_LENGTH} characters. A header with another scheme ({@code Basic ...}) is {@link
 * Missing}: it carries no bearer token. Anything starting with the word {@code Bearer} that breaks
 * a rule is {@link Malformed}, whose detail never holds the input.
 */
public sealed interface BearerHeader
    permits BearerHeader.Token, BearerHeader.Missing, BearerHeader.Malformed {

  /** The longest token accepted, in characters. */
  int MAX_TOKEN_LENGTH = 8 * 1024;

  /**
   * Parses an {@code Authorization} header value.
   *
   * @param authorizationHeader the header value, or {@code null} when the request has none
   * @return what the header says: a {@link Token}, {@link Missing} or {@link Malformed}; never
   *     {@code null}
   */
  static BearerHeader parse(String authorizationHeader) {
    String h = authorizationHeader;
    if (h == null || h.isEmpty()) {
      return Missing.INSTANCE;
    }
    String scheme = "bearer";
    if (h.length() < scheme.length()) {
      return Missing.INSTANCE;
    }
    for (int i = 0; i < scheme.length(); i++) {
      char c = h.charAt(i);
      // ASCII case folding only: no locale-dependent or Unicode folding of attacker input.
      char lower = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
      if (lower != scheme.charAt(i)) {
        return Missing.INSTANCE;
      }
    }
    if (h.length() > scheme.length() && SetCookie.isTokenChar(h.charAt(scheme.length()))) {
      return Missing.INSTANCE; // a longer scheme name, e.g. "BearerX"
    }
    if (h.length() <= scheme.length() + 1) {
      return new Malformed("bearer scheme without a token");
    }
    if (h.charAt(scheme.length()) != ' ') {
      return new Malformed("bearer scheme must be followed by exactly one space");
    }
    if (h.length() - scheme.length() - 1 > MAX_TOKEN_LENGTH) {
      return new Malformed("bearer token too long");
    }
    String token = h.substring(scheme.length() + 1);
    int i = 0;
    while (i < token.length() && isB64TokenChar(token.charAt(i))) {
      i++;
    }
    if (i == 0) {
      return new Malformed("bearer token does not start with a token character");
    }
    while (i < token.length() && token.charAt(i) == '=') {
      i++;
    }
    if (i != token.length()) {
      return new Malformed("bearer token holds a character outside b64token");
    }
    return new Token(new BearerToken(token));
  }

  /** {@return the token, when the header holds a well-formed one; empty otherwise} */
  default Optional<BearerToken> token() {
    return Optional.empty();
  }

  /**
   * {@return why there is no token} {@link AuthResult.Reason#MALFORMED} for a {@link Malformed}
   * header, {@link AuthResult.Reason#INVALID_CREDENTIALS} ("no bearer token") for a {@link Missing}
   * one; empty when the header holds a token.
   */
  Optional<AuthResult.Failure> failure();

  /**
   * {@return whether the request presented a bearer token at all, well-formed or not} True for a
   * {@link Token} and a {@link Malformed} header, false for a {@link Missing} one. A server answers
   * a request that presented none with a bare challenge and no {@code error} code (RFC 6750 §3.1).
   */
  default boolean presented() {
    return true;
  }

  /**
   * Applies {@code onToken} to the token or {@code onFailure} to the {@link #failure()}, and
   * answers what it returns.
   *
   * @param <T> what both functions answer
   * @param onToken applied to the token when the header holds one
   * @param onFailure applied to the refusal otherwise
   * @return what the applied function returned
   */
  default <T> T fold(
      Function<? super BearerToken, ? extends T> onToken,
      Function<? super AuthResult.Failure, ? extends T> onFailure) {
    Optional<BearerToken> token = token();
    return token.isPresent()
        ? onToken.apply(token.get())
        : onFailure.apply(failure().orElseThrow());
  }

  private static boolean isB64TokenChar(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~'
        || c == '+'
        || c == '/';
  }

  /**
   * A well-formed bearer token; its {@code toString()} hides the value.
   *
   * @param bearerToken the token, without the {@code Bearer } prefix
   */
  record Token(BearerToken bearerToken) implements BearerHeader {
    /**
     * Wraps a well-formed token.
     *
     * @param bearerToken the token
     * @throws NullPointerException if {@code bearerToken} is null
     */
    public Token {
      Objects.requireNonNull(bearerToken, "bearerToken");
    }

    @Override
    public Optional<BearerToken> token() {
      return Optional.of(bearerToken);
    }

    /** Always empty: the header holds a token. */
    @Override
    public Optional<AuthResult.Failure> failure() {
      return Optional.empty();
    }
  }

  /** No bearer token: no header, an empty one, or another scheme. */
  record Missing() implements BearerHeader {
    static final Missing INSTANCE = new Missing();
    private static final Optional<AuthResult.Failure> NO_TOKEN =
        Optional.of(AuthResult.failure(AuthResult.Reason.INVALID_CREDENTIALS, "no bearer token"));

    /** {@link AuthResult.Reason#INVALID_CREDENTIALS}: the request presented no bearer token. */
    @Override
    public Optional<AuthResult.Failure> failure() {
      return NO_TOKEN;
    }

    /** Always false. */
    @Override
    public boolean presented() {
      return false;
    }
  }

  /**
   * A header that claims the {@code Bearer} scheme and breaks its syntax.
   *
   * @param detail why, safe to log: it never holds the input
   */
  record Malformed(String detail) implements BearerHeader {
    /**
     * Describes a malformed header.
     *
     * @param detail why, safe to log: never the input
     * @throws NullPointerException if {@code detail} is null
     */
    public Malformed {
      Objects.requireNonNull(detail, "detail");
    }

    /** {@return the matching {@link AuthResult.Reason#MALFORMED} failure, carrying the detail} */
    @Override
    public Optional<AuthResult.Failure> failure() {
      return Optional.of(AuthResult.failure(AuthResult.Reason.MALFORMED, detail));
    }
  }
}
