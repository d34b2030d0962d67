// Invitation templates.
#include "mail_template.hpp"

#include "policy.hpp"

namespace linedesk {

std::string fill_template(std::string_view text, const TemplateValues& v) {
  std::string out;
  out.reserve(text.size() + 64);
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '{') {
      const std::size_t close = text.find('}', i);
      if (close != std::string_view::npos) {
        const std::string_view key = text.substr(i + 1, close - i - 1);
        const std::string* value = key == "name"           ? &v.name
                                   : key == "number"       ? &v.number
                                   : key == "organization" ? &v.organization
                                   : key == "link"         ? &v.link
                                                           : nullptr;
        if (value) {
          out += *value;
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

RenderedMail render_invitation(const State& state, const Account& account, const std::string& link) {
  const Organization* org = state.org(account.org);
  TemplateValues v;
  v.name = account.name().empty() ? account.account_id : account.name();
  v.number = account.number.empty() ? "a number you choose when you activate" : account.number;
  v.organization = org ? org->name : "";
  v.link = link;
  const OrgTree& tree = state.orgs();
  return RenderedMail{
      header_safe(fill_template(effective_text(tree, account.org, policy::kInvitationSubject), v)),
      fill_template(effective_text(tree, account.org, policy::kInvitationBody), v)};
}

std::string header_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? ' ' : c;
  }
  return out;
}

}  // namespace linedesk
