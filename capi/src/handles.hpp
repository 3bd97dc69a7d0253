// Internal: the structs behind the opaque C handles. Each wraps a core object.
#pragma once

#include <memory>
#include <optional>

#include "m2mauth/core/cert.hpp"
#include "m2mauth/core/config.hpp"
#include "m2mauth/core/http.hpp"
#include "m2mauth/core/jwt.hpp"
#include "m2mauth/core/key.hpp"
#include "m2mauth/core/key_source.hpp"
#include "m2mauth/core/oauth1.hpp"
#include "m2mauth/core/oauth2.hpp"
#include "m2mauth/core/request.hpp"
#include "m2mauth/core/senhasegura.hpp"
#include "m2mauth/core/token_manager.hpp"
#include "m2mauth/m2mauth.h"

struct m2mauth_key {
  m2mauth::core::Key key;
};

struct m2mauth_key_source {
  std::shared_ptr<m2mauth::core::KeySource> source;
};

struct m2mauth_cert {
  m2mauth::core::Certificate cert;
};

struct m2mauth_claims {
  m2mauth::core::Claims claims;
};

struct m2mauth_verifier {  // frozen by the first verify (which the C API takes as const)
  mutable m2mauth::core::VerifierBuilder builder;
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

struct m2mauth_oauth1 {  // frozen by the first signature (which the C API takes as const)
  mutable m2mauth::core::Oauth1SignerBuilder builder;
};

struct m2mauth_a2a {
  m2mauth::core::A2AClientBuilder builder;
};

struct m2mauth_token_client {
  m2mauth::core::TokenClientBuilder builder;
};

struct m2mauth_token_manager {
  std::unique_ptr<m2mauth::core::TokenManager> manager;
};

struct m2mauth_token {
  m2mauth::core::Token token;
};

struct m2mauth_config {
  m2mauth::core::Config config;
};
