// Password hashing (argon2id), session tokens and random ids, all from libsodium.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace linedesk::server {

// Initialises libsodium; call once before anything below. Throws when it cannot start.
void init_crypto();

// argon2id parameters: 2 passes over 19 MiB (OWASP's minimum for argon2id).
inline constexpr unsigned long long kPasswordOpsLimit = 2;
inline constexpr std::size_t kPasswordMemLimit = 19u * 1024u * 1024u;

// An encoded argon2id hash ("$argon2id$v=19$m=19456,t=2,p=1$...").
std::string hash_password(std::string_view password);
// True when `password` matches `encoded_hash`; false for a wrong password or a bad hash.
bool verify_password(const std::string& encoded_hash, std::string_view password);

// A 256-bit random token, base64url without padding (43 characters).
std::string new_session_token();
// The hex BLAKE2b hash under which a token is stored.
std::string token_hash(std::string_view token);

// A random id in [1, 2^53).
std::int64_t random_id();

// A readable random password for the first administrator ("kfra-mtpe-xwhu-bdzo").
std::string random_password();

}  // namespace linedesk::server
