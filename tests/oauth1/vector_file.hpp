// tests/oauth1: reads tests/vectors/oauth1/oauth1_vectors.txt and parses Authorization headers.
#pragma once

#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#ifndef M2MAUTH_OAUTH1_VECTORS
#error "M2MAUTH_OAUTH1_VECTORS must name tests/vectors/oauth1/oauth1_vectors.txt"
#endif

namespace oauth1_test {

struct Case {
  std::string name;
  std::map<std::string, std::string> values;

  bool has(const std::string &key) const { return values.count(key) != 0; }
  const std::string &at(const std::string &key) const {
    auto it = values.find(key);
    if (it == values.end()) throw std::runtime_error(name + ": no " + key);
    return it->second;
  }
  std::string get(const std::string &key, const std::string &fallback = "") const {
    return has(key) ? at(key) : fallback;
  }
  // Request cases carry a method; "uri" cases only a URL and its base string URI.
  bool is_request() const { return has("method"); }
};

inline std::vector<Case> load_vectors() {
  std::ifstream in(M2MAUTH_OAUTH1_VECTORS);
  if (!in) throw std::runtime_error("cannot read " M2MAUTH_OAUTH1_VECTORS);
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.front() == '[' && line.back() == ']') {
      cases.push_back({line.substr(1, line.size() - 2), {}});
      continue;
    }
    if (cases.empty()) throw std::runtime_error("vector line outside a case: " + line);
    std::size_t eq = line.find(" = ");
    if (eq != std::string::npos) {
      cases.back().values[line.substr(0, eq)] = line.substr(eq + 3);
    } else if (line.size() > 2 && line.compare(line.size() - 2, 2, " =") == 0) {
      cases.back().values[line.substr(0, line.size() - 2)] = "";
    } else {
      throw std::runtime_error("malformed vector line: " + line);
    }
  }
  return cases;
}

// `OAuth a="b", c="d"` -> {a: b, c: d}; values stay as written (percent-encoded).
inline std::map<std::string, std::string> parse_authorization(std::string_view h) {
  std::map<std::string, std::string> out;
  if (h.substr(0, 6) != "OAuth ") throw std::runtime_error("not an OAuth header");
  h.remove_prefix(6);
  while (!h.empty()) {
    while (!h.empty() && (h.front() == ' ' || h.front() == ',')) h.remove_prefix(1);
    if (h.empty()) break;
    std::size_t eq = h.find("=\"");
    if (eq == std::string_view::npos) throw std::runtime_error("malformed OAuth header");
    std::string name(h.substr(0, eq));
    h.remove_prefix(eq + 2);
    std::string value;
    while (!h.empty() && h.front() != '"') {
      if (h.front() == '\\' && h.size() > 1) h.remove_prefix(1);
      value.push_back(h.front());
      h.remove_prefix(1);
    }
    if (h.empty()) throw std::runtime_error("unterminated value in OAuth header");
    h.remove_prefix(1);
    if (out.count(name) != 0) throw std::runtime_error("parameter twice in OAuth header: " + name);
    out[name] = value;
  }
  return out;
}

}  // namespace oauth1_test
