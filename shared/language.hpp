// The languages of the MultiLine app an account can use (seed: "Accepts English, Italian,
// German, French, and Spanish").
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace linedesk {

enum class Language { kEnglish, kItalian, kGerman, kFrench, kSpanish };

inline constexpr std::array<Language, 5> kAllLanguages = {
    Language::kEnglish, Language::kItalian, Language::kGerman, Language::kFrench,
    Language::kSpanish};

// "English", "Italian", ... as the seed writes them.
std::string_view language_name(Language l);
// Case-insensitive, surrounding spaces ignored; nullopt for anything else.
std::optional<Language> language_from_name(std::string_view name);

}  // namespace linedesk
