package dev.latchkey.micrometer;

import dev.latchkey.core.BearerToken;
import dev.latchkey.core.PasswordCredentials;
import dev.latchkey.core.SessionCookie;

/**
 * The {@code method} tag: Latchkey's strategies by name, and one value for every other, so that an
 * application's own strategy (or a hostile method string) cannot add time series.
 */
enum MethodTag {
  PASSWORD("password"),
  SESSION("session"),
  BEARER("bearer"),
  REFRESH("refresh"),
  API_KEY("api_key"),
  SECOND_FACTOR("second_factor"),
  ONE_TIME("one_time"),
  REMEMBER_ME("remember_me"),
  PASSKEY("passkey"),
  OIDC("oidc"),
  OTHER("other");

  final String value;

  MethodTag(String value) {
    this.value = value;
  }

  /** The tag of an event's {@code method}. */
  static MethodTag of(String method) {
    if (method == null) {
      return OTHER;
    }
    return switch (method) {
      case "password" -> PASSWORD;
      case "session" -> SESSION;
      case "bearer" -> BEARER;
      case "refresh" -> REFRESH;
      case "api_key" -> API_KEY;
      case "totp", "totp_activation", "recovery_code" -> SECOND_FACTOR;
      case "remember-me" -> REMEMBER_ME;
      case "passkey" -> PASSKEY;
      case "oidc" -> OIDC;
      default -> method.startsWith("one_time:") ? ONE_TIME : OTHER;
    };
  }

  /** The tag of a strategy, by the credentials type it checks. */
  static MethodTag ofCredentials(Class<?> credentialType) {
    if (credentialType == PasswordCredentials.class) {
      return PASSWORD;
    }
    if (credentialType == SessionCookie.class) {
      return SESSION;
    }
    if (credentialType == BearerToken.class) {
      return BEARER;
    }
    return OTHER;
  }
}
