// Text rules shared by every entity: trimming, UTF-8 validity, length in characters.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "result.hpp"

namespace linedesk {

// Leading and trailing ASCII whitespace removed.
std::string_view trim(std::string_view s);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Number of Unicode code points in well-formed UTF-8 `s`.
std::size_t utf8_length(std::string_view s);

// A name shown to people: non-empty after trimming, valid UTF-8, no control characters,
// at most `max_chars` characters. `label` names the value in the message
// ("Organization name is required.").
Status check_display_text(std::string_view s, std::string_view field, std::string_view label,
                          std::size_t max_chars);

// ASCII lower-case copy (emails and header names compare case-insensitively).
std::string ascii_lower(std::string_view s);

}  // namespace linedesk
