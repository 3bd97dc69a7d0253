// Error categories and the transient rule: the one table every language derives its errors from.
#include "m2mauth/core/error.hpp"

namespace m2mauth::core {

ErrorCategory error_category(Errc code) noexcept {
  switch (code) {
    case Errc::ok: return ErrorCategory::none;
    case Errc::generic:
    case Errc::out_of_memory: return ErrorCategory::internal;
    case Errc::invalid_argument:
    case Errc::too_large: return ErrorCategory::input;
    case Errc::unsupported: return ErrorCategory::unsupported;
    case Errc::not_found: return ErrorCategory::not_found;
    case Errc::state: return ErrorCategory::state;
    case Errc::io: return ErrorCategory::io;
    case Errc::config: return ErrorCategory::config;
    case Errc::key:
    case Errc::key_type:
    case Errc::passphrase:
    case Errc::no_private:
    case Errc::signer: return ErrorCategory::key;
    case Errc::malformed:
    case Errc::signature:
    case Errc::algorithm:
    case Errc::expired:
    case Errc::not_yet_valid:
    case Errc::iat:
    case Errc::claim:
    case Errc::missing_claim: return ErrorCategory::verification;
    case Errc::network: return ErrorCategory::network;
    case Errc::timeout: return ErrorCategory::timeout;
    case Errc::tls: return ErrorCategory::tls;
    case Errc::insecure: return ErrorCategory::insecure_transport;
    case Errc::http: return ErrorCategory::http;
    case Errc::protocol: return ErrorCategory::protocol;
    case Errc::oauth: return ErrorCategory::oauth_refusal;
    case Errc::vendor: return ErrorCategory::vendor;
    case Errc::unauthorized: return ErrorCategory::unauthorized;
    case Errc::cancelled: return ErrorCategory::cancelled;
    case Errc::backoff: return ErrorCategory::backoff;
  }
  return ErrorCategory::internal;
}

ErrorCategory error_category(int code) noexcept { return error_category(static_cast<Errc>(code)); }

const char *error_category_name(ErrorCategory category) noexcept {
  switch (category) {
    case ErrorCategory::none: return "none";
    case ErrorCategory::internal: return "internal";
    case ErrorCategory::input: return "input";
    case ErrorCategory::unsupported: return "unsupported";
    case ErrorCategory::not_found: return "not_found";
    case ErrorCategory::state: return "state";
    case ErrorCategory::io: return "io";
    case ErrorCategory::config: return "config";
    case ErrorCategory::key: return "key";
    case ErrorCategory::verification: return "verification";
    case ErrorCategory::network: return "network";
    case ErrorCategory::timeout: return "timeout";
    case ErrorCategory::tls: return "tls";
    case ErrorCategory::insecure_transport: return "insecure_transport";
    case ErrorCategory::http: return "http";
    case ErrorCategory::protocol: return "protocol";
    case ErrorCategory::oauth_refusal: return "oauth_refusal";
    case ErrorCategory::vendor: return "vendor";
    case ErrorCategory::unauthorized: return "unauthorized";
    case ErrorCategory::cancelled: return "cancelled";
    case ErrorCategory::backoff: return "backoff";
  }
  return "unknown";
}

bool transient_by_nature(Errc code) noexcept {
  return code == Errc::network || code == Errc::timeout || code == Errc::backoff;
}

bool is_transient(Errc code, bool flagged) noexcept { return flagged || transient_by_nature(code); }

}  // namespace m2mauth::core
