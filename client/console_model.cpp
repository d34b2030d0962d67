// The console screens' logic: tree rows, refusals, policies, numbers, people, profile,
// invitation preview and the activity query.
#include "console_model.hpp"

#include <algorithm>
#include <cstdio>

#include "shared/text.hpp"
#include "shared/time_zone.hpp"

namespace linedesk::client {

std::optional<Error> refusal(const State& st, AdminId actor, TimestampMs now, const CommandArgs& args) {
  const Context ctx{actor, now, 0, false};
  auto r = validate(st, ctx, args);
  if (!r) return r.error();
  return std::nullopt;
}

const std::optional<Error>& RefusalCache::get(const State& st, AdminId actor, TimestampMs now,
                                              const CommandArgs& args) {
  if (st.revision() != revision_ || actor != actor_) {
    answers_.clear();
    revision_ = st.revision();
    actor_ = actor;
  }
  const std::string key = args_to_json(args).dump();
  auto it = answers_.find(key);
  if (it == answers_.end()) {
    ++checks_;
    it = answers_.emplace(key, refusal(st, actor, now, args)).first;
  }
  return it->second;
}

namespace {

void add_rows(const State& st, OrgId id, int depth, std::vector<OrgRow>& out) {
  const std::size_t at = out.size();
  OrgRow row;
  row.id = id;
  row.depth = depth;
  row.users = row.subtree_users = st.accounts_in(id);
  row.admins = row.subtree_admins = st.admins_in(id);
  row.has_children = !st.orgs().children(id).empty();
  out.push_back(row);
  for (OrgId child : st.orgs().children_by_name(id)) {
    const std::size_t child_at = out.size();
    add_rows(st, child, depth + 1, out);
    out[at].subtree_users += out[child_at].subtree_users;
    out[at].subtree_admins += out[child_at].subtree_admins;
  }
}

std::string name_key(const std::string& first, const std::string& last, const std::string& tail) {
  return collation_key(first + " " + last + " " + tail);
}

}  // namespace

std::vector<OrgRow> org_rows(const State& st, OrgId top) {
  std::vector<OrgRow> out;
  if (st.org(top)) add_rows(st, top, 0, out);
  return out;
}

std::vector<PolicyRow> policy_rows(const State& st, OrgId org) {
  std::vector<PolicyRow> out;
  const Organization* here = st.org(org);
  if (!here) return out;
  for (const PolicyDef& def : policy_defs()) {
    const EffectivePolicy e = effective_policy(st.orgs(), org, def.key);
    PolicyRow row;
    row.def = &def;
    row.value = describe_policy_value(def, e.value);
    row.set_here = e.source == org;
    if (!e.source.valid()) {
      row.source = "Default";
    } else if (row.set_here) {
      row.source = "Set here";
    } else {
      const Organization* from = st.org(e.source);
      row.source = "Inherited from " + (from ? from->name : std::string("an organization above"));
    }
    out.push_back(std::move(row));
  }
  return out;
}

bool same_query(const NumberQuery& a, const NumberQuery& b) {
  return a.org == b.org && a.include_suborgs == b.include_suborgs && a.state == b.state &&
         a.tag == b.tag && a.text == b.text && a.offset == b.offset && a.limit == b.limit;
}

bool NumbersTable::refresh(const State& st, const NumberQuery& query) {
  if (built_ && revision_ == st.revision() && same_query(query, query_)) return false;
  NumberQuery all = query;
  all.offset = 0;
  all.limit = 0;
  const NumberPage page = query_numbers(st, all);
  rows_.clear();
  rows_.reserve(page.rows.size());
  for (const Number* n : page.rows) rows_.push_back(n->id);
  built_ = true;
  revision_ = st.revision();
  query_ = query;
  return true;
}

std::vector<OrgId> allocation_targets(const State& st, OrgId org) {
  std::vector<OrgId> out;
  const Organization* o = st.org(org);
  if (!o) return out;
  if (o->parent.valid() && st.org(o->parent)) out.push_back(o->parent);
  for (const OrgRow& row : org_rows(st, org)) {
    if (row.id != org) out.push_back(row.id);
  }
  return out;
}

namespace {

template <class Keep>
std::vector<const Administrator*> admins_where(const State& st, Keep keep) {
  std::vector<std::pair<std::string, const Administrator*>> keyed;
  for (const auto& [id, a] : st.admins()) {
    if (keep(a)) keyed.emplace_back(name_key(a.first_name, a.last_name, a.email), &a);
  }
  std::sort(keyed.begin(), keyed.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first < y.first : x.second->id < y.second->id;
  });
  std::vector<const Administrator*> out;
  for (auto& [key, a] : keyed) out.push_back(a);
  return out;
}

}  // namespace

std::vector<const Administrator*> admins_in_subtree(const State& st, OrgId org) {
  return admins_where(st, [&](const Administrator& a) { return st.orgs().is_within(a.org, org); });
}

std::vector<const Administrator*> designated_candidates(const State& st, OrgId org) {
  return admins_where(st, [&](const Administrator& a) { return st.orgs().is_within(org, a.org); });
}

std::vector<const Role*> usable_roles(const State& st, OrgId org) {
  std::vector<const Role*> out;
  for (const auto& [id, r] : st.roles()) {
    if (st.org(r.org) && st.orgs().is_within(org, r.org)) out.push_back(&r);
  }
  std::sort(out.begin(), out.end(), [](const Role* a, const Role* b) {
    const std::string ka = collation_key(a->name), kb = collation_key(b->name);
    return ka != kb ? ka < kb : a->id < b->id;
  });
  return out;
}

std::vector<const PermissionGroup*> groups_of(const State& st, OrgId org) {
  std::vector<const PermissionGroup*> out;
  for (const auto& [id, g] : st.groups()) {
    if (g.org == org) out.push_back(&g);
  }
  std::sort(out.begin(), out.end(), [](const PermissionGroup* a, const PermissionGroup* b) {
    const std::string ka = collation_key(a->name), kb = collation_key(b->name);
    return ka != kb ? ka < kb : a->id < b->id;
  });
  return out;
}

std::string privilege_summary(PrivilegeSet set) {
  std::string out;
  for (Privilege p : kAllPrivileges) {
    if (!set.has(p)) continue;
    if (!out.empty()) out += ", ";
    out += privilege_label(p);
  }
  return out.empty() ? "No privileges" : out;
}

ProfileForm profile_form(const Administrator& a) {
  return ProfileForm{a.first_name, a.last_name, a.phone, a.address, a.time_zone, a.photo};
}

EditProfile profile_command(const Administrator& current, const ProfileForm& f) {
  EditProfile c;
  auto changed = [](std::optional<std::string>& out, const std::string& now, const std::string& was) {
    if (now != was) out = now;
  };
  changed(c.first_name, f.first_name, current.first_name);
  changed(c.last_name, f.last_name, current.last_name);
  changed(c.phone, f.phone, current.phone);
  changed(c.address, f.address, current.address);
  changed(c.time_zone, std::string(trim(f.time_zone)), current.time_zone);
  changed(c.photo, f.photo, current.photo);
  return c;
}

RenderedMail invitation_preview(const State& st, OrgId org, std::string_view subject,
                                std::string_view body) {
  TemplateValues v;
  v.name = "Alex Example";
  const auto& free = st.available_numbers(org);
  const Number* n = free.empty() ? nullptr : st.number(*free.begin());
  v.number = n ? n->e164 : "a number you choose when you activate";
  const Organization* o = st.org(org);
  v.organization = o ? o->name : "";
  v.link = "https://linedesk.example/activate/EXAMPLE-LINK";
  return RenderedMail{header_safe(fill_template(subject, v)), fill_template(body, v)};
}

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<std::string> activity_path(const ActivityFilter& f, bool csv) {
  std::string path = csv ? "/api/reports/activity.csv" : "/api/reports/activity";
  char sep = '?';
  auto add = [&](const char* key, std::string_view value) {
    if (value.empty()) return;
    path += sep;
    path += key;
    path += '=';
    path += url_encode(value);
    sep = '&';
  };
  // A day "YYYY-MM-DD" as the UTC midnight it starts at.
  auto day = [](std::string_view text, const char* field, const char* label) -> Result<TimestampMs> {
    const std::string_view t = trim(text);
    auto digits = [&](std::size_t at, std::size_t n, int& out) {
      out = 0;
      for (std::size_t i = at; i < at + n; ++i) {
        if (t[i] < '0' || t[i] > '9') return false;
        out = out * 10 + (t[i] - '0');
      }
      return true;
    };
    int y = 0, m = 0, d = 0;
    if (t.size() != 10 || t[4] != '-' || t[7] != '-' || !digits(0, 4, y) || !digits(5, 2, m) ||
        !digits(8, 2, d) || y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
      return make_error("invalid_date", field,
                        std::string(label) + ": write the date as YYYY-MM-DD, e.g. 2026-11-05 (\"" +
                            std::string(t) + "\" is not one).");
    }
    return days_from_civil(y, m, d) * 86'400'000;
  };
  add("admin", trim(f.admin));
  add("action", trim(f.action));
  add("q", trim(f.text));
  std::optional<TimestampMs> from, to;
  if (!trim(f.from).empty()) {
    auto r = day(f.from, "from", "From");
    if (!r) return r.error();
    from = *r;
    add("from", std::to_string(*from));
  }
  if (!trim(f.to).empty()) {
    auto r = day(f.to, "to", "To");
    if (!r) return r.error();
    to = *r + 86'400'000;  // the whole day: the server's "to" is exclusive
    add("to", std::to_string(*to));
  }
  if (from && to && *to <= *from) {
    return make_error("invalid_date", "to", "To: the last day is before the first.");
  }
  return path;
}

namespace {

std::string grouped(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

}  // namespace

std::string usage_text(UsageKind kind, std::int64_t amount) {
  switch (kind) {
    case UsageKind::kVoice: return grouped((amount + 59) / 60) + " min";
    case UsageKind::kMessage: return grouped(amount) + (amount == 1 ? " message" : " messages");
    case UsageKind::kData: {
      char buf[32];
      const double mb = static_cast<double>(amount) / 1e6;
      if (mb >= 1000.0) std::snprintf(buf, sizeof buf, "%.1f GB", mb / 1000.0);
      else std::snprintf(buf, sizeof buf, "%.1f MB", mb);
      return buf;
    }
  }
  return std::to_string(amount);
}

double usage_axis_value(UsageKind kind, std::int64_t amount) {
  switch (kind) {
    case UsageKind::kVoice: return static_cast<double>(amount) / 60.0;
    case UsageKind::kMessage: return static_cast<double>(amount);
    case UsageKind::kData: return static_cast<double>(amount) / 1e6;
  }
  return static_cast<double>(amount);
}

std::string usage_heading(UsageKind kind) {
  switch (kind) {
    case UsageKind::kVoice: return "Voice Usage for The Current Cycle";
    case UsageKind::kMessage: return "Message Usage for The Current Cycle";
    case UsageKind::kData: return "Data Usage for The Current Cycle";
  }
  return "";
}

double axis_top(double max) {
  if (!(max > 0)) return 1.0;
  double step = 1.0;
  while (step * 10 <= max) step *= 10;
  while (step > max) step /= 10;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (step * m >= max) return step * m;
  }
  return step * 10;
}

std::string cycle_name(const Cycle& c) {
  static constexpr const char* kMonths[] = {"January", "February", "March",     "April",
                                            "May",     "June",     "July",      "August",
                                            "September", "October", "November", "December"};
  if (c.month < 1 || c.month > 12) return "";
  return std::string(kMonths[c.month - 1]) + " " + std::to_string(c.year);
}

}  // namespace linedesk::client
