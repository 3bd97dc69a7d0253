// The response envelope parser and the message sanitiser on given responses (no network: these are
// pure functions over a status, headers and a body).
#include "a2a_support.hpp"
#include "m2mauth/core/peer_text.hpp"

using namespace m2mauth_test;

namespace {

Response response(int status, std::string body, std::vector<Header> headers = {{"Content-Type", "application/json"}}) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

A2AContext context() {
  A2AContext c;
  c.method = "GET";
  c.path = "/iso/pam/info/10";
  c.secrets = {"s3cr3t-value+/=&x y", "tok-ABCDEFGH"};
  c.clock = [] { return std::int64_t{1700000000000}; };
  return c;
}

Error parse_error(const Response &r) {
  return error_of([&] { a2a_parse_response(r, context()); });
}

}  // namespace

TEST_CASE("success: the whole document, in the Portuguese or English envelope or none") {
  SecretJson doc = a2a_parse_response(response(200, R"({"response":{"status":200,"erro":false,"mensagem":"ok"},"info":{"id":"1"}})"), context());
  CHECK(str(cJSON_GetObjectItemCaseSensitive(doc.get(), "info"), "id") == "1");
  CHECK(a2a_parse_response(response(201, R"({"credential":{"id":"7"}})"), context()) != nullptr);
}

TEST_CASE("error flag or error status with exception or error_code: Errc::vendor with code and message") {
  Error a = parse_error(response(400, R"({"response":{"status":400,"error":true,"error_code":1023},"exception":{"code":1023,"message":"1023: Information not found","detail":null}})"));
  CHECK(a.code() == Errc::vendor);
  CHECK(a.detail().vendor_code == 1023);
  CHECK(a.detail().http_status == 400);
  CHECK(std::string(a.what()) == "senhasegura A2A GET /iso/pam/info/10 failed: 1023: Information not found (HTTP 400, vendor code 1023)");
  // Only the Portuguese members, code as a string, HTTP 200 with the flag set.
  Error b = parse_error(response(200, R"({"response":{"status":200,"erro":true,"cod_erro":"1011","mensagem":"Dispositivo n\u00e3o encontrado"}})"));
  CHECK(b.code() == Errc::vendor);
  CHECK(b.detail().vendor_code == 1011);
  CHECK(b.detail().http_status == 200);
  CHECK(std::string(b.what()).find("Dispositivo n\xc3\xa3o encontrado") != std::string::npos);
  // Status error with an envelope that does not set the flag.
  CHECK(parse_error(response(400, R"({"response":{"message":"bad"}})")).code() == Errc::vendor);
}

TEST_CASE("5xx and 429 are transient; Retry-After is read; 401 is unauthorized; 403 explains certificates") {
  Error e500 = parse_error(response(503, R"({"response":{"error":true,"message":"maintenance"}})", {{"Retry-After", "7"}}));
  CHECK(e500.code() == Errc::vendor);
  CHECK(e500.transient());
  CHECK(e500.detail().retry_after_ms == 7000);
  CHECK(parse_error(response(429, R"({"response":{"error":true,"message":"slow down"}})")).transient());
  Error e401 = parse_error(response(401, R"({"response":{"status":401,"error":true,"error_code":401,"message":"Unauthorized"}})"));
  CHECK(e401.code() == Errc::unauthorized);
  CHECK_FALSE(e401.transient());
  Error e403 = parse_error(response(403, R"({"response":{"status":403,"error":true,"error_code":403,"message":"Client certificate not authorized"}})"));
  CHECK(e403.code() == Errc::vendor);
  CHECK(e403.detail().vendor_code == 403);
  CHECK(std::string(e403.what()).find("fingerprint is registered") != std::string::npos);
}

TEST_CASE("no envelope: Errc::http for error statuses, Errc::protocol for a success that is not a JSON object") {
  Error html = parse_error(response(502, "<html><body>Bad gateway</body></html>", {{"Content-Type", "text/html"}}));
  CHECK(html.code() == Errc::http);
  CHECK(html.transient());
  CHECK(html.detail().http_status == 502);
  CHECK(parse_error(response(404, R"({"error":"not_found"})")).code() == Errc::http);
  CHECK(parse_error(response(200, "not json")).code() == Errc::protocol);
  CHECK(parse_error(response(200, "[1,2]")).code() == Errc::protocol);
  Error redirect = parse_error(response(302, "", {{"Location", "http://127.0.0.1:1/"}}));
  CHECK(redirect.code() == Errc::http);
  CHECK(redirect.detail().http_status == 302);
}

TEST_CASE("a vendor message never carries a secret: configured values in any encoding and credential markers") {
  std::string body = R"({"response":{"error":true,"message":"bad s3cr3t-value+/=&x y, s3cr3t-value%2B%2F%3D%26x%20y, s3cr3t-value%2B%2F%3D%26x+y, tok-ABCDEFGH; )"
                     R"(url ?oauth_token=abc123&client_secret=zzz9 Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig password='hunter22' oauth_signature=\"QUJD%3D\""}})";
  std::string msg = parse_error(response(400, body)).what();
  CAPTURE(msg);
  for (const char *leak : {"s3cr3t", "tok-ABCDEFGH", "abc123", "zzz9", "eyJhbGciOiJIUzI1NiJ9", "hunter22", "QUJD"})
    CHECK(msg.find(leak) == std::string::npos);
  CHECK(msg.find("<redacted>") != std::string::npos);
  // Prose around scheme names survives.
  CHECK(sanitize_peer_text("basic authentication failed", {}) == "basic authentication failed");
}

TEST_CASE("messages are bounded, single-line and valid UTF-8") {
  std::string long_text(5000, 'x');
  std::string m = sanitize_peer_text(long_text, {}, 300);
  CHECK(m.size() == 300);
  CHECK(m.substr(297) == "...");
  CHECK(sanitize_peer_text(long_text, {}).size() == kPeerTextMaxBytes);
  CHECK(sanitize_peer_text("a\r\nb\tc\x01\x7f", {}) == "a\\r\\nb\\tc\\x01\\x7F");
  // "éééé" (8 bytes) in 7: cut after the second é, never inside one.
  CHECK(sanitize_peer_text("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", {}, 7) == "\xc3\xa9\xc3\xa9...");
  CHECK(sanitize_peer_text("bad \xff byte", {}) == "bad ? byte");
  CHECK(sanitize_peer_text("overlong \xc0\xaf, surrogate \xed\xa0\x80", {}) == "overlong ??, surrogate ???");
  // C1 controls, bidirectional overrides and line separators are escaped, other text kept.
  CHECK(sanitize_peer_text("\xc2\x85x\xe2\x80\xaey\xe2\x80\xa8z \xc3\xa9", {}) == "\\u0085x\\u202Ey\\u2028z \xc3\xa9");
  // An escape is never cut in half.
  CHECK(sanitize_peer_text("ab\n", {}, 4) == "ab\\n");
  CHECK(sanitize_peer_text("abcd\n", {}, 5) == "ab...");
}
