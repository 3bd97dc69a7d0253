// Text that came from a peer (a token endpoint's "error" or "error_description", a vendor message, a
// Content-Type) made fit for an error record. Every such text passes through sanitize_peer_text()
// exactly once, where it enters an Error (its message or an ErrorDetail field).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace m2mauth::core {

// The default bound of one peer text in an error record, in bytes of the result.
inline constexpr std::size_t kPeerTextMaxBytes = 200;

// The text with, in this order:
//  1. every given secret of 4 bytes or more (raw, percent-encoded, form-encoded) and anything that
//     looks like a credential (the value after token=, secret=, password=, passphrase=, signature=,
//     assertion=; a credential word after Bearer, Basic, DPoP or OAuth; a compact JWS/JWT "eyJ...")
//     replaced with "<redacted>";
//  2. control characters escaped: \n \r \t, other C0 bytes and DEL as \xHH, C1 controls and Unicode
//     bidirectional / line-separator controls as \uHHHH; bytes that are not UTF-8 as "?";
//  3. cut to at most max_bytes bytes (never inside an escape or a UTF-8 sequence), "..." included.
// Only the first 64 KiB of text are read.
std::string sanitize_peer_text(std::string_view text, const std::vector<std::string_view> &secrets,
                               std::size_t max_bytes = kPeerTextMaxBytes);

}  // namespace m2mauth::core
