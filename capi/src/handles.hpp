// Internal: the structs behind the opaque C handles. Each wraps a core object.
#pragma once

#include <mutex>
#include <optional>

#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/config.hpp"
#include "m2mauth/core/http.hpp"
#include "m2mauth/core/jwt.hpp"
#include "m2mauth/core/key.hpp"
#include "m2mauth/core/oauth1.hpp"
#include "m2mauth/core/request.hpp"
#include "m2mauth/m2mauth.h"

struct m2mauth_key {
  m2mauth::core::Key key;
};

struct m2mauth_cert {
  m2mauth::core::Certificate cert;
};

struct m2mauth_claims {
  m2mauth::core::Claims claims;
};

struct m2mauth_verifier {
  m2mauth::core::Verifier verifier;
};

struct m2mauth_request {
  m2mauth::core::Request req;
};

struct m2mauth_response {
  m2mauth::core::Response resp;
};

struct m2mauth_http {
  std::shared_ptr<m2mauth::core::Transport> transport;
};

struct m2mauth_oauth1 {
  m2mauth::core::Oauth1Signer signer;  // rebuilt by each setter, immutable while signing
};

struct m2mauth_a2a {  // configured by the setters, built on first use (then frozen)
  std::mutex mu;
  m2mauth::core::A2AConfig config;
  std::shared_ptr<m2mauth::core::Transport> transport;
  std::shared_ptr<m2mauth::core::A2AClient> built;
};

struct m2mauth_config {
  m2mauth::core::Config config;
};
