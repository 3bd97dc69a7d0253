// Internal: reading the files a caller or the configuration names (keys, certificates, secrets, the
// configuration file), and pre-checking the ones libcurl reads itself (CA bundle, client certificate).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace m2mauth::core {

// The cap of every secret, key, certificate and configuration file read whole (1 MiB).
inline constexpr std::size_t kMaxFileInput = std::size_t{1} << 20;

// The whole content of the regular file at path (a symlink to one is followed: container secret
// mounts use them), at most max bytes. The file is opened with O_NONBLOCK | O_CLOEXEC | O_NOCTTY and
// checked with fstat before any byte is read, so a FIFO, directory, device or socket is refused at
// once and never blocks. Errors name role and path, never content: Error(io) for a file that cannot
// be opened or read or is not a regular file, Error(too_large) for one over max bytes,
// Error(invalid_argument) for an empty path or one with a NUL byte. Nothing read stays in memory
// after an error; the caller wipes the result when it holds a secret.
std::string read_regular_file(const std::string &path, std::string_view role, std::size_t max = kMaxFileInput);

// The same opening and checks, without reading (for a file another library reads by its path).
void check_regular_file(const std::string &path, std::string_view role, std::size_t max);

}  // namespace m2mauth::core
