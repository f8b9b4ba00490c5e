package dev.latchkey.micrometer;

/**
 * The {@code what} tag of a revocation: the descriptions Latchkey's services emit in {@link
 * dev.latchkey.core.AuthEvent.Revoked#what()}, and one value for any other.
 */
enum RevocationTag {
  REFRESH_TOKEN_REUSE("refresh_token_reuse"),
  SUBJECT_DISABLED("subject_disabled"),
  ACCESS_TOKEN("access_token"),
  ALL_ACCESS_TOKENS("all_access_tokens"),
  REFRESH_FAMILY("refresh_family"),
  OTHER("other");

  final String value;

  RevocationTag(String value) {
    this.value = value;
  }

  /** The tag of a revocation's description. */
  static RevocationTag of(String what) {
    if (what == null) {
      return OTHER;
    }
    return switch (what) {
      case "refresh token reuse" -> REFRESH_TOKEN_REUSE;
      case "subject may no longer sign in" -> SUBJECT_DISABLED;
      case "access token" -> ACCESS_TOKEN;
      case "all access tokens" -> ALL_ACCESS_TOKENS;
      case "refresh family" -> REFRESH_FAMILY;
      default -> OTHER;
    };
  }
}
