// Invitation email templates: the organization's subject and text (policies, inherited) with
// {name}, {number}, {organization} and {link} filled in. The server sends it; the console
// previews it with the same code.
#pragma once

#include <string>
#include <string_view>

#include "state.hpp"

namespace linedesk {

struct TemplateValues {
  std::string name;
  std::string number;  // the assigned number, or a phrase when the user will choose one
  std::string organization;
  std::string link;
};

// Replaces each known {placeholder}; unknown braces are left as written.
std::string fill_template(std::string_view text, const TemplateValues& values);

struct RenderedMail {
  std::string subject;
  std::string body;
};

// The invitation for `account` as its organization's (inherited) template says, with `link`.
RenderedMail render_invitation(const State& state, const Account& account, const std::string& link);

// Line breaks and control characters removed: safe to put in a mail header.
std::string header_safe(std::string_view text);

}  // namespace linedesk
