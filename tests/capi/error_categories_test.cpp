// Error categories and the transient rule, against tests/vectors/m2mauth/errors.json (the file the
// Python, Java and Go suites read too, so that every code lands in the same family everywhere).
#include <set>

#include "capi_support.hpp"

namespace {

m2mtest::JsonPtr errors_doc() { return m2mtest::load_vector_json("m2mauth/errors.json"); }

int category_value(const cJSON *doc, const std::string &name) {
  M2MTEST_FOR_EACH(c, m2mtest::member(doc, "categories")) {
    if (m2mtest::str(c, "name") == name) return static_cast<int>(m2mtest::integer(c, "value"));
  }
  FAIL("no category " << name);
  return -1;
}

}  // namespace

TEST_CASE("categories: explicit values and static names, as errors.json lists them") {
  auto doc = errors_doc();
  std::set<int> values;
  M2MTEST_FOR_EACH(c, m2mtest::member(doc.get(), "categories")) {
    const int value = static_cast<int>(m2mtest::integer(c, "value"));
    INFO(value);
    CHECK(values.insert(value).second);
    CHECK(std::string(m2mauth_error_category_name(value)) == m2mtest::str(c, "name"));
  }
  CHECK(values.size() == 21);
  // The values are ABI, like the codes.
  CHECK(M2MAUTH_CATEGORY_NONE == 0);
  CHECK(M2MAUTH_CATEGORY_VERIFICATION == 9);
  CHECK(M2MAUTH_CATEGORY_BACKOFF == 20);
  for (int unknown : {-1, 21, 1000}) CHECK(std::string(m2mauth_error_category_name(unknown)) == "unknown");
}

TEST_CASE("every code: name, category, transient by nature, and a family, as errors.json lists them") {
  auto doc = errors_doc();
  const cJSON *families = m2mtest::member(doc.get(), "families");
  std::set<int> listed;
  M2MTEST_FOR_EACH(c, m2mtest::member(doc.get(), "codes")) {
    const int code = static_cast<int>(m2mtest::integer(c, "value"));
    INFO(code);
    listed.insert(code);
    CHECK(std::string(m2mauth_error_name(code)) == m2mtest::str(c, "name"));
    const std::string category = m2mtest::str(c, "category");
    CHECK(m2mauth_error_category(code) == category_value(doc.get(), category));
    CHECK(std::string(m2mauth_error_category_name(m2mauth_error_category(code))) == category);
    CHECK(m2mauth_error_code_is_transient(code) == (m2mtest::boolean(c, "transient") ? 1 : 0));
    const cJSON *family = m2mtest::member(c, "family");
    if (code == M2MAUTH_OK) {
      CHECK(cJSON_IsNull(family));
    } else {
      // A family is the category's name, and every binding names a class for it.
      REQUIRE(cJSON_IsString(family));
      CHECK(std::string(family->valuestring) == category);
      const cJSON *classes = m2mtest::member(families, family->valuestring);
      for (const char *lang : {"python", "java", "go"}) CHECK(!m2mtest::str(classes, lang).empty());
    }
  }
  // Every code the library names is in the file, and nothing else is.
  for (int code = 0; code >= -127; --code) {
    const bool named = std::string(m2mauth_error_name(code)) != "unknown";
    CHECK(named == (listed.count(code) == 1));
  }
  // Codes the library does not know are internal failures.
  M2MTEST_FOR_EACH(u, m2mtest::member(doc.get(), "unknown_codes")) {
    const int code = static_cast<int>(u->valuedouble);
    INFO(code);
    CHECK(std::string(m2mauth_error_name(code)) == "unknown");
    CHECK(m2mauth_error_category(code) == M2MAUTH_CATEGORY_INTERNAL);
    CHECK(m2mauth_error_code_is_transient(code) == 0);
  }
}

TEST_CASE("the one transient rule: the record's flag (5xx, 429) or the code's nature") {
  CHECK(m2mauth_error_is_transient(nullptr) == 0);
  m2mauth_error e{};
  e.message = e.oauth_error = e.oauth_error_description = e.oauth_error_uri = "";
  e.code = M2MAUTH_EHTTP;
  CHECK(m2mauth_error_is_transient(&e) == 0);
  e.transient = 1;  // a 503 or a 429
  CHECK(m2mauth_error_is_transient(&e) == 1);
  e.code = M2MAUTH_ETIMEOUT;
  e.transient = 0;  // transient by nature even if a record did not say so
  CHECK(m2mauth_error_is_transient(&e) == 1);
  e.code = M2MAUTH_ESIGNATURE;
  CHECK(m2mauth_error_is_transient(&e) == 0);

  // A real failure: the record is the library's, and the rule reads it.
  m2mauth_key *key = nullptr;
  CHECK_STATUS(m2mauth_key_from_jwk(&key, "{"), M2MAUTH_EMALFORMED);
  CHECK(m2mauth_error_is_transient(m2mauth_error_last()) == 0);
  CHECK(m2mauth_error_category(m2mauth_error_last()->code) == M2MAUTH_CATEGORY_VERIFICATION);
}
