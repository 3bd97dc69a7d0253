// A hostile token endpoint: what it echoes never reaches a message (secrets redacted, control
// characters escaped, length bounded), access tokens an Authorization header cannot carry are refused,
// numbers are decimal digits only.
#include <doctest/doctest.h>

#include <ctime>

#include "oauth2_support.hpp"
#include "m2mauth/core/encoding.hpp"
#include "m2mauth/core/peer_text.hpp"

using namespace m2mauth_test;
using namespace m2mauth::core;

namespace {

struct Hostile {
  ServerInfo fault = fresh_fault_server();
  std::shared_ptr<Transport> transport = loopback_transport();

  void script(const std::string &steps) { control(fault.str("control_url") + "/script", "POST", steps); }

  Token fetch(const std::string &client_id = "svc-basic") {
    TokenClient client(client_config(client_id, fault.str("token_endpoint")), transport);
    return client.fetch();
  }

  Error failure(const std::string &steps, const std::string &client_id = "svc-basic") {
    script(steps);
    try {
      fetch(client_id);
    } catch (const Error &e) {
      return e;
    }
    FAIL("expected an error for " << steps);
    return Error(Errc::generic, "unreachable");
  }

  // The credential the last token request carried: the client secret or the client assertion.
  std::string last_credential(const std::string &client_id) {
    std::string method = client_field(client_id, "token_endpoint_auth_method");
    if (method.find("secret_basic") != std::string::npos || method.find("secret_post") != std::string::npos)
      return client_field(client_id, "client_secret");
    cJSON *root = cJSON_Parse(control(fault.str("control_url") + "/stats").c_str());
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(root, "last_token_request");
    const cJSON *form = cJSON_GetObjectItemCaseSensitive(req, "form");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(form, "client_assertion");
    std::string out = cJSON_IsString(a) ? a->valuestring : "";
    cJSON_Delete(root);
    REQUIRE(out.size() > 40);
    return out;
  }
};

// Every text of e a caller can see.
std::vector<std::string> texts(const Error &e) {
  return {e.what(), e.detail().oauth_error, e.detail().oauth_error_description, e.detail().oauth_error_uri};
}

void check_absent(const Error &e, const std::string &secret) {
  for (const std::string &t : texts(e)) {
    CAPTURE(t);
    CHECK(t.find(secret) == std::string::npos);
    CHECK(t.find(percent_encode(secret)) == std::string::npos);
    CHECK(t.find(secret.substr(secret.size() / 2)) == std::string::npos);  // no visible tail either
  }
}

}  // namespace

TEST_CASE_FIXTURE(Hostile, "a secret or an assertion echoed in error, error_description or error_uri is redacted") {
  for (const char *client : {"svc-basic", "svc-post", "svc-jwt", "svc-rs256"}) {
    CAPTURE(client);
    const bool assertion = std::string(client) == "svc-jwt" || std::string(client) == "svc-rs256";
    const char *echo = assertion ? "$ASSERTION" : "$CLIENT_SECRET";
    std::string step = std::string(R"x([{"status":401,"error":"invalid_client )x") + echo +
                       R"x(","error_description":"client authentication failed with )x" + echo +
                       R"x( (Authorization: $AUTHORIZATION; form $FORM)","error_uri":"https://as.example/e?)x" + echo +
                       R"x("}])x";
    Error e = failure(step, client);
    CHECK(e.code() == Errc::oauth);
    CHECK(e.detail().http_status == 401);
    check_absent(e, last_credential(client));
    if (std::string(client) == "svc-basic") {  // the Basic credential (base64 of id:secret) too
      std::string basic = base64_encode("svc-basic:" + form_urlencode(client_field("svc-basic", "client_secret")));
      for (const std::string &t : texts(e)) CHECK(t.find(basic.substr(0, 16)) == std::string::npos);
    }
    CHECK(e.detail().oauth_error_description.find("<redacted>") != std::string::npos);
    CHECK(std::string(e.what()).find("invalid_client") != std::string::npos);
  }
}

TEST_CASE_FIXTURE(Hostile, "a secret in an HTML or plain-text error body never reaches the message") {
  const std::string secret = client_field("svc-basic", "client_secret");
  Error html = failure(R"([{"html":true,"status":502,"html_text":"upstream refused secret $CLIENT_SECRET"}])");
  CHECK(html.code() == Errc::http);
  check_absent(html, secret);
  Error plain = failure(R"([{"status":400,"body":"bad client_secret=$CLIENT_SECRET","content_type":"text/plain"}])");
  CHECK(plain.code() == Errc::http);
  check_absent(plain, secret);
  Error ok_html = failure(R"([{"status":200,"body":"<html>$CLIENT_SECRET</html>","content_type":"text/html; $CLIENT_SECRET"}])");
  CHECK(ok_html.code() == Errc::protocol);
  check_absent(ok_html, secret);
}

TEST_CASE_FIXTURE(Hostile, "server text is escaped, one line, bounded") {
  std::string long_text(5000, 'x');
  Error e = failure(R"([{"status":400,"error":"invalid_request\u001b[31m","error_description":"line1\nline2\r\t\u202e)" +
                    long_text + R"("}])");
  CHECK(e.code() == Errc::oauth);
  const std::string &d = e.detail().oauth_error_description;
  CHECK(d.size() <= kPeerTextMaxBytes);
  CHECK(d.rfind("line1\\nline2\\r\\t", 0) == 0);
  CHECK(d.find("\\u202E") != std::string::npos);
  CHECK(d.substr(d.size() - 3) == "...");
  CHECK(e.detail().oauth_error == "invalid_request\\x1B[31m");
  for (const std::string &t : texts(e))
    for (char c : t) CHECK(static_cast<unsigned char>(c) >= 0x20);
}

TEST_CASE_FIXTURE(Hostile, "an access token an Authorization header cannot carry is a protocol error naming no byte of it") {
  for (std::string token : {"zqx realm=evil", "zqx\\u0001y", "zqx\\r\\nX-Injected: 1", "z\\u00f6qx", "zqx\\u007f",
                            "zqx=y", "===", "zqx,other", "zqx\\\"q"}) {
    CAPTURE(token);
    Error e = failure(R"([{"access_token":")" + token + R"("}])");
    CHECK(e.code() == Errc::protocol);
    std::string msg = e.what();
    CHECK(msg.find("access_token") != std::string::npos);
    CHECK(msg.find("zqx") == std::string::npos);
    CHECK(msg.find("realm") == std::string::npos);
  }
  // RFC 6750 2.1 b64token: the whole alphabet, and "=" only at the end.
  script(R"([{"access_token":"AZaz09-._~+/=="}])");
  CHECK(fetch().access_token.reveal() == "AZaz09-._~+/==");
}

TEST_CASE_FIXTURE(Hostile, "token_type: Bearer and DPoP in any case; other schemes unsupported; a non-token is a protocol error") {
  script(R"([{"token_type":"DPOP"},{"token_type":"bEaReR"}])");
  CHECK(fetch().authorization_scheme() == "DPoP");
  CHECK(fetch().authorization_scheme() == "Bearer");
  Error mac = failure(R"([{"token_type":"MAC"}])");
  CHECK(mac.code() == Errc::unsupported);
  CHECK(std::string(mac.what()).find("\"MAC\"") != std::string::npos);
  for (const char *bad : {"Bearer realm=x", "Bearer\\u0001", "", "B\\u00e9arer"}) {
    CAPTURE(bad);
    Error e = failure(std::string(R"([{"token_type":")") + bad + R"("}])");
    CHECK(e.code() == Errc::protocol);
    CHECK(std::string(e.what()).find("realm") == std::string::npos);
  }
}

TEST_CASE_FIXTURE(Hostile, "expires_in: a JSON number >= 0 (fractions truncate) or decimal digits; nothing else") {
  struct Ok {
    const char *json;
    std::int64_t seconds;
  };
  for (Ok ok : {Ok{"\"3600\"", 3600}, Ok{"\"0042\"", 42}, Ok{"1e3", 1000}, Ok{"59.9", 59}, Ok{"0.4", 0}, Ok{"0", 0},
                Ok{"\"0\"", 0}, Ok{"\"99999999999999999999\"", 315360000}, Ok{"1e300", 315360000}}) {
    CAPTURE(ok.json);
    script(std::string(R"([{"expires_in":)") + ok.json + "}]");
    Token t = fetch();
    CHECK(t.expires_at_ms - t.issued_at_ms == ok.seconds * 1000);
  }
  for (const char *bad : {"\"0x10\"", "\"+5\"", "\" 60\"", "\"60 \"", "\"3.5\"", "\"1e3\"", "\"-1\"", "\"\"",
                          "\"١٢\"", "-1", "-0.5", "true", "[60]", "{}"}) {
    CAPTURE(bad);
    Error e = failure(std::string(R"([{"expires_in":)") + bad + "}]");
    CHECK(e.code() == Errc::protocol);
    CHECK(std::string(e.what()).find("expires_in") != std::string::npos);
  }
}

TEST_CASE_FIXTURE(Hostile, "Retry-After: delta-seconds (digits only, capped at an hour) or an HTTP-date; anything else is ignored") {
  struct Case {
    const char *value;
    std::int64_t ms;
  };
  for (Case c : {Case{"7", 7000}, Case{"007", 7000}, Case{"99999999999999999999999", 3600000}, Case{"0x10", 0},
                 Case{"+5", 0}, Case{"5.0", 0}, Case{"-1", 0}, Case{"1e3", 0}, Case{"5 s", 0}, Case{"Sun, 06 Nov 1994 08:49:37 GMT", 0},
                 Case{"Sun, 31 Feb 2100 08:49:37 GMT", 0}, Case{"Fri, 01 Jan 2100 25:00:00 GMT", 0}, Case{"tomorrow", 0}}) {
    CAPTURE(c.value);
    Error e = failure(std::string(R"([{"status":503,"retry_after":")") + c.value + R"("}])");
    CHECK(e.detail().retry_after_ms == c.ms);
  }
  // An HTTP-date two minutes ahead, in each of the three forms RFC 9110 5.6.7 makes recipients accept.
  const std::time_t at = std::time(nullptr) + 120;
  std::tm tm{};
  gmtime_r(&at, &tm);
  char dates[3][64];
  std::strftime(dates[0], sizeof dates[0], "%a, %d %b %Y %H:%M:%S GMT", &tm);  // IMF-fixdate
  char rfc850[64];
  std::strftime(rfc850, sizeof rfc850, "%A, %d-%b-YY %H:%M:%S GMT", &tm);  // RFC 850, two-digit year
  std::string two_digit = rfc850;
  two_digit.replace(two_digit.find("YY"), 2, std::to_string(100 + tm.tm_year % 100).substr(1));
  std::snprintf(dates[1], sizeof dates[1], "%s", two_digit.c_str());
  std::strftime(dates[2], sizeof dates[2], "%a %b %e %H:%M:%S %Y", &tm);       // asctime
  for (const char *date : dates) {
    CAPTURE(date);
    Error e = failure(std::string(R"([{"status":503,"retry_after":")") + date + R"("}])");
    CHECK(e.detail().retry_after_ms > 100000);
    CHECK(e.detail().retry_after_ms <= 121000);
  }
}
