// Bytes that hold a secret: wiped on destruction, never printable, compared in constant time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace m2mauth::core {

// Overwrites memory in a way the compiler cannot elide (OPENSSL_cleanse).
void secure_wipe(void *data, std::size_t len) noexcept;
void secure_wipe(std::string &s) noexcept;

// Constant-time equality: time depends only on the lengths.
bool constant_time_equal(const std::uint8_t *a, std::size_t a_len, const std::uint8_t *b,
                         std::size_t b_len) noexcept;

class SecretBytes {
 public:
  SecretBytes() = default;
  SecretBytes(const std::uint8_t *data, std::size_t len) : bytes_(data, data + len) {}
  explicit SecretBytes(std::string_view text)
      : bytes_(reinterpret_cast<const std::uint8_t *>(text.data()),
               reinterpret_cast<const std::uint8_t *>(text.data()) + text.size()) {}
  SecretBytes(const SecretBytes &other) = default;
  SecretBytes(SecretBytes &&other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }
  SecretBytes &operator=(const SecretBytes &other) {
    if (this != &other) {
      wipe();
      bytes_ = other.bytes_;
    }
    return *this;
  }
  SecretBytes &operator=(SecretBytes &&other) noexcept {
    if (this != &other) {
      wipe();
      bytes_ = std::move(other.bytes_);
      other.bytes_.clear();
    }
    return *this;
  }
  ~SecretBytes() { wipe(); }

  const std::uint8_t *data() const noexcept { return bytes_.data(); }
  std::uint8_t *data() noexcept { return bytes_.data(); }
  std::size_t size() const noexcept { return bytes_.size(); }
  bool empty() const noexcept { return bytes_.empty(); }
  std::string_view view() const noexcept {
    return {reinterpret_cast<const char *>(bytes_.data()), bytes_.size()};
  }
  void resize(std::size_t n) { bytes_.resize(n); }
  bool equals(const SecretBytes &other) const noexcept {
    return constant_time_equal(data(), size(), other.data(), other.size());
  }

  void wipe() noexcept {
    if (!bytes_.empty()) secure_wipe(bytes_.data(), bytes_.size());
    bytes_.clear();
  }

 private:
  std::vector<std::uint8_t> bytes_;
};

// A std::string holding a secret (client secret, token, passphrase): wiped on destruction.
class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(std::string value) : value_(std::move(value)) {}
  SecretString(const SecretString &) = default;
  SecretString(SecretString &&other) noexcept : value_(std::move(other.value_)) { other.value_.clear(); }
  SecretString &operator=(const SecretString &other) {
    if (this != &other) {
      secure_wipe(value_);
      value_ = other.value_;
    }
    return *this;
  }
  SecretString &operator=(SecretString &&other) noexcept {
    if (this != &other) {
      secure_wipe(value_);
      value_ = std::move(other.value_);
      other.value_.clear();
    }
    return *this;
  }
  ~SecretString() { secure_wipe(value_); }

  const std::string &reveal() const noexcept { return value_; }
  const char *c_str() const noexcept { return value_.c_str(); }
  bool empty() const noexcept { return value_.empty(); }
  std::size_t size() const noexcept { return value_.size(); }

 private:
  std::string value_;
};

}  // namespace m2mauth::core
