package io.m2mauth;

import io.m2mauth.internal.m2mauth_error_code;

/** Which exception class stands for which m2mauth_error_code (errors.h). */
final class ErrorCodes {
  private ErrorCodes() {}

  static M2mauthException exceptionFor(M2mauthException.Details d) {
    switch (d.code) {
      case m2mauth_error_code.M2MAUTH_EINVAL:
      case m2mauth_error_code.M2MAUTH_ETOOLARGE:
        return new InvalidArgumentException(d);
      case m2mauth_error_code.M2MAUTH_EUNSUPPORTED:
        return new UnsupportedException(d);
      case m2mauth_error_code.M2MAUTH_ENOTFOUND:
        return new NotFoundException(d);
      case m2mauth_error_code.M2MAUTH_EKEY:
        return new KeyFormatException(d);
      case m2mauth_error_code.M2MAUTH_EPASSPHRASE:
        return new PassphraseException(d);
      case m2mauth_error_code.M2MAUTH_EKEYTYPE:
      case m2mauth_error_code.M2MAUTH_ENOPRIVATE:
        return new KeyTypeException(d);
      case m2mauth_error_code.M2MAUTH_EMALFORMED:
        return new MalformedTokenException(d);
      case m2mauth_error_code.M2MAUTH_ESIGNATURE:
        return new InvalidSignatureException(d);
      case m2mauth_error_code.M2MAUTH_EALGORITHM:
        return new AlgorithmException(d);
      case m2mauth_error_code.M2MAUTH_EEXPIRED:
        return new ExpiredException(d);
      case m2mauth_error_code.M2MAUTH_ENOTYETVALID:
      case m2mauth_error_code.M2MAUTH_EIAT:
        return new NotYetValidException(d);
      case m2mauth_error_code.M2MAUTH_ECLAIM:
      case m2mauth_error_code.M2MAUTH_EMISSINGCLAIM:
        return new InvalidClaimException(d);
      case m2mauth_error_code.M2MAUTH_ENETWORK:
      case m2mauth_error_code.M2MAUTH_ETIMEOUT:
      case m2mauth_error_code.M2MAUTH_ETLS:
      case m2mauth_error_code.M2MAUTH_EINSECURE:
        return new NetworkException(d);
      case m2mauth_error_code.M2MAUTH_EOAUTH:
        return new OAuth2Exception(d);
      case m2mauth_error_code.M2MAUTH_EHTTP:
      case m2mauth_error_code.M2MAUTH_EPROTOCOL:
      case m2mauth_error_code.M2MAUTH_EUNAUTHORIZED:
        return new ServerException(d);
      case m2mauth_error_code.M2MAUTH_EVENDOR:
        return new VendorException(d);
      case m2mauth_error_code.M2MAUTH_ECONFIG:
        return new ConfigException(d);
      default:
        return new M2mauthException(d);
    }
  }
}
