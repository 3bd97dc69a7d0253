package io.m2mauth;

import io.m2mauth.internal.m2mauth_error_code;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Token events on the platform logger {@code m2mauth} ({@link System#getLogger}: java.util.logging by
 * default, or whatever backend the application installed through {@code System.LoggerFinder}, e.g.
 * SLF4J's or Log4j's bridge), or the manager's own ({@link ManagerOptions.Builder#logger}). FETCHED,
 * REFRESHED and INVALIDATED at DEBUG, FAILED at WARNING (DEBUG when cancelled by closing the manager)
 * with the error's category, code name, HTTP status and OAuth error, as the Python binding logs them;
 * CACHE_HIT never (the cached read path). Never a token or a secret (events carry none). A level the
 * logger does not take costs one {@link Logger#isLoggable} call per event and nothing else.
 */
final class EventLog {
  /** The logger's name (the same as Python's logging.getLogger("m2mauth")). */
  static final String NAME = "m2mauth";
  static final Logger LOGGER = System.getLogger(NAME);

  private EventLog() {}

  /**
   * Initialises this class (and the platform's logger finder) on the calling thread: TokenManager calls
   * it when a manager is made, so the first event, which may come from the library's refresh thread,
   * finds the logger ready.
   */
  static void init() {}

  /**
   * The level of an event, null for none: CACHE_HIT is never logged (it is the cached read path, as in
   * Python); a failure whose code is M2MAUTH_ECANCELLED is the manager being closed while a fetch was
   * in flight (the application's own doing), written at DEBUG like the other events.
   */
  static Level level(TokenEvent.Kind kind, int errorCode) {
    switch (kind) {
      case FAILED:
        return errorCode == m2mauth_error_code.M2MAUTH_ECANCELLED ? Level.DEBUG : Level.WARNING;
      case CACHE_HIT:
        return null;
      default:
        return Level.DEBUG;
    }
  }

  /**
   * The level logger (null: none) would write an event at, or null when it would not (checked once, on
   * the thread that reported the event; the delivering thread then writes at that level).
   */
  static Level wanted(Logger logger, TokenEvent.Kind kind, int errorCode) {
    Level level = logger == null ? null : level(kind, errorCode);
    return level != null && logger.isLoggable(level) ? level : null;
  }

  static void log(Logger logger, Level level, TokenEvent ev) {
    logger.log(level, message(ev));
  }

  /**
   * One line per event, e.g. {@code token fetched: client svc-basic, scope "api.read", expires at
   * 2026-12-06T16:00:00Z} or {@code token request failed: client svc-basic, category oauth_refusal,
   * code oauth, HTTP 401, OAuth error invalid_client, not transient, retry after 1.000 s}.
   */
  static String message(TokenEvent ev) {
    StringBuilder sb = new StringBuilder(96);
    switch (ev.kind()) {
      case FETCHED:
        sb.append("token fetched");
        break;
      case REFRESHED:
        sb.append("token refreshed");
        break;
      case FAILED:
        sb.append("token request failed");
        break;
      case CACHE_HIT:
        sb.append("cached token served");
        break;
      case SHARED_HIT:
        sb.append("token taken from the shared cache");
        break;
      case LEASE_WAIT:
        sb.append("token refresh waiting for another process");
        break;
      case SHARED_FALLBACK:
        sb.append("shared cache unavailable, token fetched locally");
        break;
      default:
        sb.append("token invalidated");
        break;
    }
    sb.append(": client ").append(ev.clientId());
    if (!ev.scope().isEmpty()) {
      sb.append(", scope \"").append(ev.scope()).append('"');
    }
    if (ev.kind() == TokenEvent.Kind.FAILED) {
      sb.append(", category ").append(ev.errorCategory()).append(", code ").append(ev.errorName());
      if (ev.httpStatus() != 0) {
        sb.append(", HTTP ").append(ev.httpStatus());
      }
      if (!ev.oauthError().isEmpty()) {
        sb.append(", OAuth error ").append(ev.oauthError());
      }
      sb.append(ev.isTransient() ? ", transient" : ", not transient");
      long ms = ev.retryAfter().toMillis();
      if (ms > 0) {
        sb.append(", retry after ").append(ms / 1000).append('.').append(String.format("%03d", ms % 1000)).append(" s");
      }
    } else if (ev.expiresAt() != null) {
      sb.append(", expires at ").append(ev.expiresAt());
    }
    return sb.toString();
  }
}
