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

// Text folded for searching and sorting: ASCII lower case, and the Latin letters of Latin-1
// and Latin Extended-A reduced to their base ("Élodie" -> "elodie", "Weiß" -> "weiss",
// "Łukasiewicz" -> "lukasiewicz"). Other characters are kept as they are.
std::string fold_text(std::string_view s);
// Appends fold_text(s) to `out` (no temporary string).
void append_folded(std::string& out, std::string_view s);
// A key that sorts names as people expect: by folded text first, then by the exact bytes.
std::string collation_key(std::string_view s);


}  // namespace linedesk
