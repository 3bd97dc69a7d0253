// One transport, many threads.
#include <atomic>
#include <thread>
#include <vector>

#include "core_helpers.hpp"

using namespace http_test;

TEST_CASE("16 threads send through one transport and every answer matches its request") {
  Server srv = conn_server();
  auto t = make_curl_transport({});
  constexpr int kThreads = 16, kEach = 25;
  std::atomic<int> ok{0}, wrong{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < kEach; ++j) {
        std::string id = std::to_string(i) + "-" + std::to_string(j);
        try {
          Request r = make_request(j % 2 ? "POST" : "GET", srv.url() + "/echo/" + id, j % 2 ? "body-" + id : "");
          r.add_header("X-Id", id);
          Json echo(t->send(r).body);
          bool match = echo.str("target") == "/echo/" + id && echo.str("body") == (j % 2 ? "body-" + id : "");
          for (auto &p : echo.pairs("headers"))
            if (p.first == "X-Id" && p.second != id) match = false;
          (match ? ok : wrong)++;
        } catch (...) {
          failed++;
        }
      }
    });
  }
  for (auto &th : threads) th.join();
  CHECK(ok == kThreads * kEach);
  CHECK(wrong == 0);
  CHECK(failed == 0);
  long long connections = stat(*t, srv, "connections");
  CHECK(connections <= kThreads + 1);  // handles (and their connections) are reused
}

TEST_CASE("8 threads over HTTPS with mTLS through one transport") {
  Server srv = fault_tls_server("server", true);
  const Pki &pki = Pki::get();
  HttpConfig c = tls_config();
  c.client_cert = pki.cert("client_ec");
  c.client_key = pki.key("client_ec");
  auto t = make_curl_transport(c);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 10; ++j) {
        try {
          if (Json(get(*t, srv.url() + "/echo/t").body).str("tls_client_cert_sha256") == pki.sha256("client_ec")) ok++;
        } catch (...) {
        }
      }
    });
  for (auto &th : threads) th.join();
  CHECK(ok == 80);
}

TEST_CASE("threads: overrides after the first send are refused on every thread while others send") {
  Server srv = conn_server();
  auto t = make_curl_transport({});
  get(*t, srv.url() + "/echo/first");  // freezes the transport
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0}, refused{0};
  std::vector<std::thread> senders;
  for (int i = 0; i < 4; ++i)
    senders.emplace_back([&] {
      while (!stop) {
        try {
          get(*t, srv.url() + "/echo/x");
        } catch (...) {
          failures++;
        }
      }
    });
  for (int i = 0; i < 50; ++i) {
    HttpConfig c;
    c.user_agent = "override-" + std::to_string(i);
    try {
      add_http_override(*t, {srv.url() + "/echo/" + std::to_string(i % 5), c});
    } catch (const Error &e) {
      if (e.code() == Errc::state) refused++;
    }
  }
  stop = true;
  for (auto &th : senders) th.join();
  CHECK(failures == 0);
  CHECK(refused == 50);
}
