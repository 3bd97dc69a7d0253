// Plain http:// only to loopback unless explicitly allowed.
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/http.hpp"

namespace m2mauth::core {

void check_url_security(const std::string &url, bool allow_plain_http) {
  Url u = Url::parse(url);
  if (u.scheme == "http" && !allow_plain_http && !u.is_loopback())
    fail(Errc::insecure, "plain http:// is refused for host \"" + u.host + "\": use https (only loopback may use http)");
}

}  // namespace m2mauth::core
