// Language names.
#include "language.hpp"

#include "text.hpp"

namespace linedesk {

std::string_view language_name(Language l) {
  switch (l) {
    case Language::kEnglish: return "English";
    case Language::kItalian: return "Italian";
    case Language::kGerman: return "German";
    case Language::kFrench: return "French";
    case Language::kSpanish: return "Spanish";
  }
  return "English";
}

std::optional<Language> language_from_name(std::string_view name) {
  const std::string lower = ascii_lower(trim(name));
  for (Language l : kAllLanguages) {
    if (ascii_lower(language_name(l)) == lower) return l;
  }
  return std::nullopt;
}

}  // namespace linedesk
