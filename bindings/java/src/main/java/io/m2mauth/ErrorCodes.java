package io.m2mauth;

import io.m2mauth.internal.M2mauthNative;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Which exception class stands for which m2mauth_error_code (errors.h). The family comes from the code's
 * category (m2mauth_error_category) through one table, {@link #FAMILIES}; a few families have classes for
 * single codes within them ({@link #WITHIN}: the reasons a token or a key is refused). The file
 * tests/vectors/m2mauth/errors.json states the family of every code for every language.
 */
final class ErrorCodes {
  private ErrorCodes() {}

  /** A family: its class (to check that a class within it belongs) and its constructor. */
  static final class Family {
    final Class<? extends M2mauthException> type;
    final Function<M2mauthException.Details, M2mauthException> make;

    Family(Class<? extends M2mauthException> type, Function<M2mauthException.Details, M2mauthException> make) {
      this.type = type;
      this.make = make;
    }
  }

  /** The one table: category name (m2mauth_error_category_name) to family. */
  static final Map<String, Family> FAMILIES = new HashMap<>();
  /** Classes for single codes (by m2mauth_error_name) inside their category's family. */
  static final Map<String, Function<M2mauthException.Details, M2mauthException>> WITHIN = new HashMap<>();

  private static void family(String category, Class<? extends M2mauthException> type,
      Function<M2mauthException.Details, M2mauthException> make) {
    FAMILIES.put(category, new Family(type, make));
  }

  static {
    family("internal", M2mauthException.class, M2mauthException::new);
    family("input", InvalidArgumentException.class, InvalidArgumentException::new);
    family("unsupported", UnsupportedException.class, UnsupportedException::new);
    family("not_found", NotFoundException.class, NotFoundException::new);
    family("state", StateException.class, StateException::new);
    family("io", FileException.class, FileException::new);
    family("config", ConfigException.class, ConfigException::new);
    family("key", BadKeyException.class, BadKeyException::new);
    family("verification", InvalidTokenException.class, InvalidTokenException::new);
    family("network", NetworkException.class, NetworkException::new);
    family("timeout", NetworkTimeoutException.class, NetworkTimeoutException::new);
    family("tls", TlsException.class, TlsException::new);
    family("insecure_transport", InsecureTransportException.class, InsecureTransportException::new);
    family("http", HttpStatusException.class, HttpStatusException::new);
    family("protocol", ProtocolViolationException.class, ProtocolViolationException::new);
    family("oauth_refusal", OAuth2Exception.class, OAuth2Exception::new);
    family("vendor", VendorException.class, VendorException::new);
    family("unauthorized", UnauthorizedException.class, UnauthorizedException::new);
    family("cancelled", CancelledException.class, CancelledException::new);
    family("backoff", BackoffException.class, BackoffException::new);

    WITHIN.put("key", KeyFormatException::new);
    WITHIN.put("passphrase", PassphraseException::new);
    WITHIN.put("key_type", KeyTypeException::new);
    WITHIN.put("no_private_key", KeyTypeException::new);
    WITHIN.put("signer", SignerException::new);
    WITHIN.put("malformed", MalformedTokenException::new);
    WITHIN.put("signature", InvalidSignatureException::new);
    WITHIN.put("algorithm", AlgorithmException::new);
    WITHIN.put("expired", ExpiredException::new);
    WITHIN.put("not_yet_valid", NotYetValidException::new);
    WITHIN.put("issued_in_future", NotYetValidException::new);
    WITHIN.put("claim", InvalidClaimException::new);
    WITHIN.put("missing_claim", InvalidClaimException::new);
  }

  /** The family of a code: its category's entry of {@link #FAMILIES} (internal for unknown categories). */
  static Family familyOf(int code) {
    Family f = FAMILIES.get(M2mauthNative.m2mauth_error_category_name(M2mauthNative.m2mauth_error_category(code)));
    return f != null ? f : FAMILIES.get("internal");
  }

  static M2mauthException exceptionFor(M2mauthException.Details d) {
    Family family = familyOf(d.code);
    Function<M2mauthException.Details, M2mauthException> within = WITHIN.get(d.name);
    if (within != null) {
      M2mauthException e = within.apply(d);
      if (family.type.isInstance(e)) {
        return e;
      }
    }
    return family.make.apply(d);
  }
}
