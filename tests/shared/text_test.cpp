// Text rules: UTF-8 validity, character counts, display names, passwords.
#include <catch2/catch.hpp>

#include "shared/administrator.hpp"
#include "shared/text.hpp"

using namespace linedesk;

TEST_CASE("is_valid_utf8 accepts text and refuses malformed sequences") {
  struct Case {
    std::string bytes;
    bool valid;
  };
  std::vector<Case> cases = {
      {"plain", true},
      {"Zoë Müller", true},
      {"日本語", true},
      {"\xF0\x9F\x98\x80", true},      // U+1F600
      {"\xC3", false},                 // truncated
      {"\xC0\xAF", false},             // overlong '/'
      {"\xED\xA0\x80", false},         // surrogate
      {"\xF4\x90\x80\x80", false},     // above U+10FFFF
      {"\xFF", false},
      {"ok\x80", false},               // stray continuation
  };
  for (const auto& c : cases) {
    CAPTURE(c.bytes);
    CHECK(is_valid_utf8(c.bytes) == c.valid);
  }
}

TEST_CASE("utf8_length counts characters, not bytes") {
  CHECK(utf8_length("Zoë") == 3);
  CHECK(utf8_length("日本") == 2);
}

TEST_CASE("display text must be present, clean and short enough") {
  CHECK(check_display_text("Zoë Müller", "name", "Name", 10));
  CHECK(check_display_text("  ", "name", "Name", 10).error().code == "missing_field");
  CHECK(check_display_text("a\tb", "name", "Name", 10).error().code == "invalid_text");
  CHECK(check_display_text("ëëëëëëëëëëë", "name", "Name", 10).error().code == "too_long");
  auto e = check_display_text("", "org.name", "Organization name", 10).error();
  CHECK(e.field == "org.name");
  CHECK(e.message == "Organization name is required.");
}

TEST_CASE("new passwords need 8 to 128 characters") {
  CHECK(check_new_password("kfra-mtpe"));
  CHECK(check_new_password("Zoë Müll"));  // 8 characters, 10 bytes
  CHECK(check_new_password("short").error().code == "weak_password");
  CHECK(check_new_password(std::string(129, 'x')).error().code == "too_long");
}

TEST_CASE("plausible emails") {
  CHECK(is_plausible_email("a@b.co"));
  CHECK(is_plausible_email("zoë@exämple.de"));
  CHECK_FALSE(is_plausible_email("a@b"));
  CHECK_FALSE(is_plausible_email("@b.co"));
  CHECK_FALSE(is_plausible_email("a b@c.de"));
  CHECK_FALSE(is_plausible_email("a@@c.de"));
  CHECK_FALSE(is_plausible_email("a@c.de."));
}

TEST_CASE("folding ignores case and accents of Latin letters") {
  CHECK(fold_text("Élodie") == "elodie");
  CHECK(fold_text("Weiß") == "weiss");
  CHECK(fold_text("Łukasiewicz ØSTERGAARD") == "lukasiewicz ostergaard");
  CHECK(fold_text("Ελλάδα") == "Ελλάδα");  // other scripts are kept
  CHECK(fold_text("2 × 3") == "2 × 3");
}

TEST_CASE("names sort with their base letter, then exactly") {
  std::vector<std::string> names = {"Zoë", "élodie", "Anna", "Élodie", "Émile", "Eva", "zack"};
  std::sort(names.begin(), names.end(),
            [](const std::string& a, const std::string& b) { return collation_key(a) < collation_key(b); });
  CHECK(names == std::vector<std::string>{"Anna", "Élodie", "élodie", "Émile", "Eva", "zack", "Zoë"});
}
