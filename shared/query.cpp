// Account and number queries.
#include "query.hpp"

#include <algorithm>
#include <charconv>
#include <unordered_set>

#include "text.hpp"

namespace linedesk {
namespace {

std::unordered_set<OrgId> orgs_of(const State& state, OrgId org, bool include_suborgs) {
  std::unordered_set<OrgId> out;
  if (!include_suborgs) {
    out.insert(org);
    return out;
  }
  for (const Organization& o : state.orgs().subtree(org)) out.insert(o.id);
  return out;
}

Result<std::int64_t> int_param(const std::map<std::string, std::string>& p, const char* key,
                               std::int64_t fallback, std::int64_t lo, std::int64_t hi) {
  auto it = p.find(key);
  if (it == p.end() || it->second.empty()) return fallback;
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc() || ptr != it->second.data() + it->second.size() || v < lo || v > hi) {
    return make_error("invalid_field", key,
                      std::string("\"") + key + "\" must be a whole number from " +
                          std::to_string(lo) + " to " + std::to_string(hi) + ".");
  }
  return v;
}

std::string param(const std::map<std::string, std::string>& p, const char* key) {
  auto it = p.find(key);
  return it == p.end() ? std::string() : it->second;
}

}  // namespace

namespace {

bool is_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// One field: ASCII text is searched in place (folding ASCII is lower-casing); other text is
// folded first. Same answer either way, without an allocation for the common case.
bool field_matches(std::string_view field, std::string_view folded_needle) {
  if (is_ascii(field)) return contains_folded(field, folded_needle);
  return fold_text(field).find(folded_needle) != std::string::npos;
}

}  // namespace

bool matches_text(const Account& a, std::string_view folded_needle) {
  for (const std::string* f : {&a.first_name, &a.last_name, &a.account_id, &a.invite_address, &a.number, &a.notes}) {
    if (field_matches(*f, folded_needle)) return true;
  }
  // The full name also matches across the space ("zoe mu"); a needle without a space cannot
  // span the two names, so only then is the name put together.
  return folded_needle.find(' ') != std::string_view::npos && field_matches(a.name(), folded_needle);
}

bool contains_folded(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  if (needle.size() > haystack.size()) return false;
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && lower(haystack[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

std::unordered_set<OrgId> query_orgs(const State& state, const AccountQuery& q) {
  return orgs_of(state, q.org, q.include_suborgs);
}

bool account_passes(const State& state, const Account& a, const AccountQuery& q,
                    const std::unordered_set<OrgId>& orgs, std::string_view folded_text) {
  if (!orgs.count(a.org)) return false;
  if (q.status && a.status != *q.status) return false;
  if (q.group.valid() && a.permission_group != q.group) return false;
  if (q.without_number && !a.number.empty()) return false;
  if (q.number_state) {
    const Number* n = a.number.empty() ? nullptr : state.number(number_id_of(a.number));
    if (!n || n->state != *q.number_state) return false;
  }
  return folded_text.empty() || matches_text(a, folded_text);
}

AccountSortKey account_sort_key(const State& state, const Account& a, AccountSort sort) {
  AccountSortKey k{&a, {}, 0};
  switch (sort) {
    case AccountSort::kName: k.key = collation_key(a.name()); break;
    case AccountSort::kAccountId: break;
    case AccountSort::kStatus: k.number = static_cast<std::int64_t>(a.status); break;
    case AccountSort::kOrganization: {
      const Organization* o = state.org(a.org);
      k.key = o ? collation_key(o->name) : std::string();
      break;
    }
    case AccountSort::kNumber: k.key = a.number; break;
    case AccountSort::kCreated: k.number = a.created_ms; break;
    case AccountSort::kLastSignIn: k.number = a.last_sign_in_ms; break;
  }
  return k;
}

bool account_sort_less(const AccountSortKey& x, const AccountSortKey& y, bool descending) {
  if (descending) return account_sort_less(y, x, false);
  if (const int c = x.key.compare(y.key); c != 0) return c < 0;
  if (x.number != y.number) return x.number < y.number;
  return x.account->account_id < y.account->account_id;
}

AccountPage query_accounts(const State& state, const AccountQuery& q) {
  const std::unordered_set<OrgId> orgs = query_orgs(state, q);
  const std::string text = fold_text(trim(q.text));
  // Each row's sort key is prepared once; the comparator only compares keys.
  std::vector<AccountSortKey> keyed;
  for (const auto& [id, a] : state.accounts()) {
    if (account_passes(state, a, q, orgs, text)) keyed.push_back(account_sort_key(state, a, q.sort));
  }
  std::sort(keyed.begin(), keyed.end(), [&](const AccountSortKey& x, const AccountSortKey& y) {
    return account_sort_less(x, y, q.descending);
  });
  AccountPage page;
  page.total = static_cast<std::int64_t>(keyed.size());
  const auto from = std::min<std::int64_t>(q.offset, page.total);
  const auto to = q.limit == 0 ? page.total : std::min<std::int64_t>(from + q.limit, page.total);
  page.rows.reserve(static_cast<std::size_t>(to - from));
  for (auto i = from; i < to; ++i) page.rows.push_back(keyed[static_cast<std::size_t>(i)].account);
  return page;
}

Result<AccountQuery> account_query_from_params(const std::map<std::string, std::string>& p,
                                               OrgId default_org) {
  AccountQuery q;
  auto org = int_param(p, "org", default_org.value, 0, kMaxId);
  if (!org) return org.error();
  q.org = OrgId(*org);
  q.text = param(p, "q");
  q.include_suborgs = param(p, "suborgs") != "0";
  q.without_number = param(p, "without_number") == "1";
  if (const std::string s = param(p, "status"); !s.empty()) {
    q.status = account_status_from_name(s);
    if (!q.status) {
      return make_error("invalid_field", "status",
                        "\"status\" must be active, invitation_failed, invited or not_invited.");
    }
  }
  if (const std::string s = param(p, "number_state"); !s.empty()) {
    q.number_state = number_state_from_name(s);
    if (!q.number_state) return make_error("invalid_field", "number_state", "Unknown number state.");
  }
  auto group = int_param(p, "group", 0, 0, kMaxId);
  if (!group) return group.error();
  q.group = PermGroupId(*group);
  static const std::pair<const char*, AccountSort> kSorts[] = {
      {"name", AccountSort::kName},       {"account_id", AccountSort::kAccountId},
      {"status", AccountSort::kStatus},   {"organization", AccountSort::kOrganization},
      {"number", AccountSort::kNumber},   {"created", AccountSort::kCreated},
      {"last_sign_in", AccountSort::kLastSignIn}};
  if (const std::string s = param(p, "sort"); !s.empty()) {
    bool found = false;
    for (const auto& [name, sort] : kSorts) {
      if (s == name) {
        q.sort = sort;
        found = true;
      }
    }
    if (!found) {
      return make_error("invalid_field", "sort",
                        "\"sort\" must be name, account_id, status, organization, number, created "
                        "or last_sign_in.");
    }
  }
  const std::string dir = param(p, "dir");
  if (!dir.empty() && dir != "asc" && dir != "desc") {
    return make_error("invalid_field", "dir", "\"dir\" must be asc or desc.");
  }
  q.descending = dir == "desc";
  auto offset = int_param(p, "offset", 0, 0, 100000000);
  if (!offset) return offset.error();
  auto limit = int_param(p, "limit", 100, 0, 100000);
  if (!limit) return limit.error();
  q.offset = *offset;
  q.limit = *limit;
  return q;
}

NumberPage query_numbers(const State& state, const NumberQuery& q) {
  const std::unordered_set<OrgId> orgs = orgs_of(state, q.org, q.include_suborgs);
  const std::string tag = ascii_lower(trim(q.tag));
  std::string digits;
  for (char c : q.text) {
    if (c >= '0' && c <= '9') digits += c;
  }
  std::vector<const Number*> rows;
  for (const auto& [id, n] : state.numbers()) {
    if (!orgs.count(n.org)) continue;
    if (q.state && n.state != *q.state) continue;
    if (!tag.empty() && ascii_lower(n.tag) != tag) continue;
    if (!digits.empty() && n.e164.find(digits) == std::string::npos) continue;
    rows.push_back(&n);
  }
  std::sort(rows.begin(), rows.end(), [](const Number* a, const Number* b) { return a->id < b->id; });
  NumberPage page;
  page.total = static_cast<std::int64_t>(rows.size());
  const auto from = std::min<std::int64_t>(q.offset, page.total);
  const auto to = q.limit == 0 ? page.total : std::min<std::int64_t>(from + q.limit, page.total);
  page.rows.assign(rows.begin() + from, rows.begin() + to);
  return page;
}

Result<NumberQuery> number_query_from_params(const std::map<std::string, std::string>& p,
                                             OrgId default_org) {
  NumberQuery q;
  auto org = int_param(p, "org", default_org.value, 0, kMaxId);
  if (!org) return org.error();
  q.org = OrgId(*org);
  q.include_suborgs = param(p, "suborgs") != "0";
  if (const std::string s = param(p, "state"); !s.empty()) {
    q.state = number_state_from_name(s);
    if (!q.state) {
      return make_error("invalid_field", "state",
                        "\"state\" must be available, reserved, pending_invitation, assigned or "
                        "activated.");
    }
  }
  q.tag = param(p, "tag");
  q.text = param(p, "q");
  auto offset = int_param(p, "offset", 0, 0, 100000000);
  if (!offset) return offset.error();
  auto limit = int_param(p, "limit", 100, 0, 200000);
  if (!limit) return limit.error();
  q.offset = *offset;
  q.limit = *limit;
  return q;
}

}  // namespace linedesk
