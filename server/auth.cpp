// libsodium-backed password hashing, tokens and random ids.
#include "auth.hpp"

#include <sodium.h>

#include <stdexcept>

#include "shared/ids.hpp"

namespace linedesk::server {

void init_crypto() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kPasswordOpsLimit,
                            kPasswordMemLimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("out of memory while hashing a password");
  }
  return out;
}

bool verify_password(const std::string& encoded_hash, std::string_view password) {
  if (encoded_hash.empty()) return false;
  return crypto_pwhash_str_verify(encoded_hash.c_str(), password.data(), password.size()) == 0;
}

std::string new_session_token() {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

std::string token_hash(std::string_view token) {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::int64_t random_id() {
  for (;;) {
    std::uint64_t v = 0;
    randombytes_buf(&v, sizeof v);
    auto id = static_cast<std::int64_t>(v & static_cast<std::uint64_t>(kMaxId));
    if (id > 0) return id;
  }
}

std::string random_password() {
  static constexpr char kLetters[] = "abcdefghjkmnpqrstuvwxyz";
  std::string out;
  for (int group = 0; group < 4; ++group) {
    if (group) out += '-';
    for (int i = 0; i < 4; ++i) out += kLetters[randombytes_uniform(sizeof kLetters - 1)];
  }
  return out;
}

}  // namespace linedesk::server
