// senhasegura A2A: the client (request building, the three authentication methods, typed helpers).
#include <cmath>
#include <cstdio>
#include <optional>

#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/error.hpp"
#include "m2mauth/core/json.hpp"
#include "m2mauth/core/oauth1.hpp"
#include "senhasegura/senhasegura_impl.hpp"

namespace m2mauth::core {

namespace {

struct AuthName {
  A2AAuth auth;
  const char *name;
};
constexpr AuthName kAuthNames[] = {{A2AAuth::oauth2, "oauth2"}, {A2AAuth::oauth1, "oauth1"}, {A2AAuth::query, "query"}};

// "https://host[:port][/prefix]" without a trailing "/" or "/iso".
std::string api_root(const std::string &base_url) {
  Url url = Url::parse(base_url);
  if (url.has_query || base_url.find('#') != std::string::npos)
    fail(Errc::config, "A2A base_url must not have a query or fragment");
  std::string root = base_url;
  while (!root.empty() && root.back() == '/') root.pop_back();
  if (root.size() >= 4 && root.compare(root.size() - 4, 4, "/iso") == 0) root.resize(root.size() - 4);
  while (!root.empty() && root.back() == '/') root.pop_back();
  return root;
}

std::string upper_method(std::string_view method) {
  std::string m;
  for (char c : method) m.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  if (m != "GET" && m != "POST" && m != "PUT" && m != "DELETE")
    fail(Errc::invalid_argument, "A2A method must be GET, POST, PUT or DELETE");
  return m;
}

std::string param_text(const cJSON *v) {
  if (cJSON_IsString(v)) return v->valuestring;
  if (cJSON_IsBool(v)) return cJSON_IsTrue(v) ? "true" : "false";
  if (cJSON_IsNumber(v) && std::isfinite(v->valuedouble)) {
    double d = v->valuedouble;
    if (d == std::floor(d) && std::fabs(d) < 9007199254740992.0) return std::to_string(static_cast<long long>(d));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", d);
    return buf;
  }
  fail(Errc::invalid_argument, std::string("A2A parameter \"") + (v->string != nullptr ? v->string : "?") +
                                   "\" must be a string, a number or a boolean");
}

std::vector<Header> params_of(const cJSON *params) {
  std::vector<Header> out;
  if (params == nullptr || cJSON_IsNull(params)) return out;
  if (!cJSON_IsObject(params)) fail(Errc::invalid_argument, "A2A parameters must be a JSON object");
  for (const cJSON *v = params->child; v != nullptr; v = v->next) {
    if (v->string == nullptr || v->string[0] == '\0') fail(Errc::invalid_argument, "A2A parameter with an empty name");
    out.emplace_back(v->string, param_text(v));
  }
  return out;
}

void append_query(std::string &url, bool &first, const std::string &name, const std::string &value) {
  url.push_back(first ? '?' : '&');
  first = false;
  percent_encode_append(url, name);
  url.push_back('=');
  percent_encode_append(url, value);
}

// Detaches member name of doc (an object) and returns it; Error(protocol) if it is not an object.
SecretJson take_object(SecretJson doc, const char *name, const std::string &where) {
  cJSON *member = cJSON_DetachItemFromObjectCaseSensitive(doc.get(), name);
  SecretJson out(member);
  if (!cJSON_IsObject(member))
    fail(Errc::protocol, "senhasegura A2A " + where + " answered without a \"" + name + "\" object");
  return out;
}

// An identifier that becomes one path segment: not empty, "." or "..".
void check_id(std::string_view id, const char *what) {
  std::string segment;
  path_segment_append(segment, id, what);
}

}  // namespace

namespace a2a {

std::vector<std::string> split_path(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.substr(0, 4) == "iso/") path.remove_prefix(4);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..")
      fail(Errc::invalid_argument, "A2A path must be module/function[/argument] without empty, \".\" or \"..\" segments");
    segments.emplace_back(seg);
    start = end + 1;
  }
  if (segments.size() < 2) fail(Errc::invalid_argument, "A2A path must name a module and a function (module/function)");
  return segments;
}

std::string encode_path(const std::vector<std::string> &segments) {
  std::string out = "/iso";
  for (const std::string &seg : segments) {
    out.push_back('/');
    path_segment_append(out, seg, "an A2A path segment");
  }
  return out;
}

}  // namespace a2a

const char *a2a_auth_name(A2AAuth auth) noexcept {
  for (const auto &a : kAuthNames)
    if (a.auth == auth) return a.name;
  return "";
}

A2AAuth a2a_auth_from_name(std::string_view name) {
  for (const auto &a : kAuthNames)
    if (name == a.name) return a.auth;
  fail(Errc::invalid_argument, "unknown A2A authentication method (oauth2, oauth1, query)");
}

A2AAuth a2a_auth_from_int(int auth) {
  if (auth < static_cast<int>(A2AAuth::oauth2) || auth > static_cast<int>(A2AAuth::query))
    fail(Errc::invalid_argument, "unknown A2A authentication method");
  return static_cast<A2AAuth>(auth);
}

struct A2AClient::Impl {
  A2AConfig config;
  std::string root;
  std::shared_ptr<Transport> transport;
  std::optional<Oauth1Signer> signer;
  std::unique_ptr<TokenManager> manager;
  std::vector<std::string_view> secrets;  // views into config

  Request make_request(const std::string &method, const std::vector<std::string> &segments, const cJSON *params,
                       bool with_credentials) const {
    Request req;
    req.method = method;
    req.url = root + a2a::encode_path(segments);
    bool first = true;
    if (with_credentials && config.auth == A2AAuth::query) {
      // The vendor: "append oauth_consumer_key and oauth_token before the function extra arguments";
      // for POST they stay in the URL.
      append_query(req.url, first, "oauth_consumer_key", config.consumer_key);
      append_query(req.url, first, "oauth_token", config.token.reveal());
    }
    std::vector<Header> pairs = params_of(params);
    if (method == "GET" || method == "DELETE") {
      for (const auto &[name, value] : pairs) append_query(req.url, first, name, value);
    } else {
      req.body = encode_form(pairs);
      req.set_header("Content-Type", "application/x-www-form-urlencoded");
    }
    req.set_header("Accept", "application/json");
    return req;
  }

  SecretJson send(const std::string &method, const std::vector<std::string> &segments, const cJSON *params,
                  bool decrypt, const CallOptions &options) {
    Request req = make_request(method, segments, params, true);
    Response resp;
    struct Wipe {
      Request &req;
      Response &resp;
      ~Wipe() {
        secure_wipe(req.url);   // the query method's credentials
        secure_wipe(req.body);  // a POST may carry a password
        if (const std::string *auth = req.header("Authorization")) secure_wipe(const_cast<std::string &>(*auth));
        secure_wipe(resp.body);
        a2a::last_api_credential() = SecretString();
      }
    } wipe{req, resp};
    switch (config.auth) {
      case A2AAuth::oauth2: resp = manager->request(req, options); break;
      case A2AAuth::oauth1:
        signer->sign(req);
        resp = transport->send(req, options);
        break;
      case A2AAuth::query: resp = transport->send(req, options); break;
    }
    A2AContext ctx;
    ctx.method = method;
    ctx.path = a2a::encode_path(segments);
    ctx.secrets = secrets;
    // The credential this call sent: the OAuth 1.0 header here, the bearer token the token manager
    // set on its own copy of the request (recorded by the TokenTransport on this thread).
    const std::string *auth = req.header("Authorization");
    const SecretString &bearer = a2a::last_api_credential();
    if (auth != nullptr) ctx.secrets.emplace_back(*auth);
    if (config.auth == A2AAuth::oauth2 && !bearer.empty()) ctx.secrets.emplace_back(bearer.reveal());
    ctx.clock = config.clock;
    SecretJson doc = a2a_parse_response(resp, ctx);
    if (decrypt && config.decryption_key) a2a_decrypt_fields(doc.get(), *config.decryption_key);
    return doc;
  }

  SecretJson get_object(std::vector<std::string> segments, const char *member, const CallOptions &options) {
    std::string where = "GET " + a2a::encode_path(segments);
    return take_object(send("GET", segments, nullptr, true, options), member, where);
  }
};

A2AClient::A2AClient(A2AConfig config, std::shared_ptr<Transport> transport) : impl_(std::make_unique<Impl>()) {
  Impl &m = *impl_;
  if (!transport) fail(Errc::invalid_argument, "A2A client needs a transport");
  m.transport = std::move(transport);
  m.config = std::move(config);
  A2AConfig &c = m.config;
  if (c.base_url.empty()) fail(Errc::config, "A2A base_url is empty");
  m.root = api_root(c.base_url);
  if (!c.clock) c.clock = system_clock();
  for (const SecretString *s : {&c.client_secret, &c.consumer_secret, &c.token, &c.token_secret})
    if (!s->empty()) m.secrets.emplace_back(s->reveal());
  if (c.decryption_key) {
    if (c.decryption_key->type() != KeyType::rsa) fail(Errc::key_type, "the A2A decryption key must be an RSA key");
    if (!c.decryption_key->has_private()) fail(Errc::no_private, "the A2A decryption key must be the private key");
  }
  switch (c.auth) {
    case A2AAuth::oauth2: {
      if (c.client_id.empty()) fail(Errc::config, "A2A OAuth 2.0 needs a client_id");
      if (c.client_secret.empty()) fail(Errc::config, "A2A OAuth 2.0 needs a client_secret");
      if (c.client_auth != ClientAuth::client_secret_basic && c.client_auth != ClientAuth::client_secret_post)
        fail(Errc::config, "A2A OAuth 2.0 client authentication must be client_secret_basic or client_secret_post");
      ClientConfig cc;
      cc.token_url = c.token_url.empty() ? m.root + "/iso/oauth2/token" : c.token_url;
      cc.client_id = c.client_id;
      cc.auth = c.client_auth;
      cc.client_secret = c.client_secret;
      if (!c.tenant.empty()) cc.extra_params.emplace_back("tenant", c.tenant);
      auto token_transport = std::make_shared<a2a::TokenTransport>(m.transport, cc.token_url, m.secrets, c.clock);
      auto client = std::make_shared<TokenClient>(std::move(cc), std::move(token_transport), c.clock);
      m.manager = std::make_unique<TokenManager>(std::move(client), c.manager);
      break;
    }
    case A2AAuth::oauth1:
    case A2AAuth::query: {
      const char *what = c.auth == A2AAuth::oauth1 ? "A2A OAuth 1.0" : "the A2A query method";
      if (c.consumer_key.empty()) fail(Errc::config, std::string(what) + " needs a consumer_key");
      if (c.token.empty()) fail(Errc::config, std::string(what) + " needs a token");
      if (c.auth == A2AAuth::oauth1) {
        Oauth1Config oc;
        oc.consumer_key = c.consumer_key;
        oc.consumer_secret = c.consumer_secret;
        oc.token = c.token.reveal();
        oc.token_secret = c.token_secret;
        oc.method = Oauth1Method::hmac_sha1;
        oc.placement = Oauth1Placement::header;
        oc.include_version = true;  // the vendor: "oauth_version is set to 1.0"
        oc.clock = c.clock;
        m.signer.emplace(std::move(oc));
      }
      break;
    }
    default: fail(Errc::config, "unknown A2A authentication method");
  }
}

A2AClient::~A2AClient() = default;

SecretJson A2AClient::call(std::string_view method, std::string_view path, const cJSON *params, bool decrypt,
                           const CallOptions &options) {
  return impl_->send(upper_method(method), a2a::split_path(path), params, decrypt, options);
}

SecretJson A2AClient::credential(std::string_view id, const CallOptions &options) {
  check_id(id, "the credential id");
  return impl_->get_object({"pam", "credential", std::string(id)}, "credential", options);
}

SecretJson A2AClient::info(std::string_view id, const CallOptions &options) {
  check_id(id, "the information id");
  return impl_->get_object({"pam", "info", std::string(id)}, "info", options);
}

SecretJson A2AClient::ssh_key(std::string_view id, const CallOptions &options) {
  check_id(id, "the SSH key id");
  return impl_->get_object({"pam", "key", std::string(id)}, "key", options);
}

SecretJson A2AClient::dsm_application(const CallOptions &options) {
  return impl_->get_object({"dapp", "application"}, "application", options);
}

Request A2AClient::build_request(std::string_view method, std::string_view path, const cJSON *params) const {
  return impl_->make_request(upper_method(method), a2a::split_path(path), params, false);
}

const A2AConfig &A2AClient::config() const noexcept { return impl_->config; }

TokenManager *A2AClient::token_manager() noexcept { return impl_->manager.get(); }

}  // namespace m2mauth::core
