// libcurl result codes to core::Error. Messages name the host and port only: a URL's path and query,
// headers and bodies can carry credentials (senhasegura sends oauth_token in the query string).
#include <string>
#include <string_view>

#include "curl/transfer.hpp"
#include "m2mauth/core/error.hpp"

namespace m2mauth::core::curl {

namespace {

struct Kind {
  Errc code;
  bool transient;
  const char *what;
};

Kind classify(CURLcode rc, std::string_view detail) noexcept {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {Errc::network, true, "host name could not be resolved"};
    case CURLE_COULDNT_CONNECT:
      return {Errc::network, true, "connection failed"};
    case CURLE_OPERATION_TIMEDOUT:
      return {Errc::timeout, true, "timed out"};
    case CURLE_PEER_FAILED_VERIFICATION:
      return {Errc::tls, false, "TLS certificate verification failed"};
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED:
      return {Errc::tls, false, "TLS handshake failed"};
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
      // With TLS 1.3 a server that rejects the client certificate says so in an alert the client
      // reads after its side of the handshake: that is a TLS failure, not a dropped connection.
      if (detail.find("alert") != std::string_view::npos && detail.find("SSL") != std::string_view::npos)
        return {Errc::tls, false, "TLS peer refused the connection"};
      return {Errc::network, true, rc == CURLE_SEND_ERROR ? "sending failed" : "receiving failed"};
    case CURLE_GOT_NOTHING:
      return {Errc::network, true, "server closed the connection without a response"};
    case CURLE_PARTIAL_FILE:
      return {Errc::network, true, "response truncated"};
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
      return {Errc::network, true, "HTTP/2 stream failed"};
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {Errc::network, true, "malformed server reply"};
    case CURLE_FILESIZE_EXCEEDED:
      return {Errc::too_large, false, "response too large"};
    case CURLE_URL_MALFORMAT:
      return {Errc::invalid_argument, false, "malformed URL"};
    case CURLE_OUT_OF_MEMORY:
      return {Errc::out_of_memory, false, "out of memory"};
    default:
      return {Errc::network, false, "transfer failed"};
  }
}

// libcurl's own explanation, unless it could quote part of the request. Its messages name hosts,
// ports, certificate problems and timings; anything with a '?', '@', the request path or a header
// value is dropped, and the rest is limited to printable ASCII.
std::string safe_detail(const char *errbuf, const Request &req, const Url *url) {
  std::string_view d(errbuf != nullptr ? errbuf : "");
  while (!d.empty() && (d.back() == '\n' || d.back() == '\r' || d.back() == ' ')) d.remove_suffix(1);
  if (d.empty() || d.size() > 300) return {};
  if (d.find_first_of("?@") != std::string_view::npos) return {};
  if (url != nullptr && url->path.size() > 1 && d.find(url->path) != std::string_view::npos) return {};
  for (const Header &h : req.headers)
    if (h.second.size() >= 4 && d.find(h.second) != std::string_view::npos) return {};
  for (char c : d)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) return {};
  return std::string(d);
}

}  // namespace

void throw_transfer_error(CURLcode rc, const Sink &sink, const char *errbuf, const Request &req, std::size_t max_bytes,
                          std::int64_t timeout_ms) {
  Url url;
  bool have_url = false;
  try {
    url = Url::parse(req.url);
    have_url = true;
  } catch (const Error &) {
  }
  std::string where = have_url ? url.scheme + "://" + (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) +
                                     ":" + std::to_string(url.effective_port())
                               : std::string("the server");

  if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED)
    throw Error(Errc::too_large, "HTTP response from " + where + " exceeds the limit of " + std::to_string(max_bytes) + " bytes");
  if (sink.cancelled || rc == CURLE_ABORTED_BY_CALLBACK)
    throw Error(Errc::cancelled, "HTTP request to " + where + " cancelled");
  if (sink.out_of_memory || rc == CURLE_OUT_OF_MEMORY) throw std::bad_alloc();

  std::string detail = safe_detail(errbuf, req, have_url ? &url : nullptr);
  Kind kind = classify(rc, detail);
  bool no_response = sink.response == nullptr || sink.response->headers.empty();
  bool dropped = rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING || rc == CURLE_SSL_CONNECT_ERROR;
  if (dropped && sink.client_cert_requested && !sink.has_client_cert && no_response)
    kind = {Errc::tls, false, "the server requires a client certificate (mTLS) and none is configured"};
  std::string message = std::string("HTTP request to ") + where + " failed: " + kind.what;
  if (rc == CURLE_OPERATION_TIMEDOUT && timeout_ms > 0 && detail.empty())
    message += " (limit " + std::to_string(timeout_ms) + " ms)";
  message += " (" + (detail.empty() ? std::string(curl_easy_strerror(rc)) : detail) + ")";
  ErrorDetail info;
  info.transient = kind.transient;
  throw Error(kind.code, message, info);
}

}  // namespace m2mauth::core::curl
