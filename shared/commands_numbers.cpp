// Number inventory commands: import into the enterprise's pool, allocate along the tree,
// reserve with a tag, release.
#include <algorithm>
#include <set>
#include <unordered_map>

#include "commands.hpp"
#include "text.hpp"

namespace linedesk::commands {
namespace {

inline constexpr std::size_t kMaxNumbersPerImport = 200000;

std::string org_name(const CommandContext& cc, OrgId org) {
  const Organization* o = cc.state.org(org);
  return o ? o->name : std::string("this organization");
}

// Resolves administrator-written numbers to inventory numbers the actor may manage, once each.
Result<std::vector<NumberId>> resolve_numbers(const CommandContext& cc,
                                              const std::vector<std::string>& texts) {
  if (texts.empty()) return make_error("missing_field", "numbers", "Select at least one number.");
  std::set<NumberId> seen;
  std::vector<NumberId> out;
  for (const std::string& t : texts) {
    auto e164 = parse_e164(t, "numbers");
    if (!e164) return e164.error();
    const Number* n = cc.number(number_id_of(*e164));
    if (!n || !cc.can_see(n->org)) {
      return make_error("number_not_found", "numbers",
                        "The number " + *e164 + " is not in your number inventory.");
    }
    if (seen.insert(n->id).second) out.push_back(n->id);
  }
  return out;
}

// Pools must keep enough available numbers for the invitations waiting in them.
Status check_pools(const CommandContext& cc, const std::set<OrgId>& orgs) {
  for (OrgId org : orgs) {
    if (cc.capacity(org) < 0) {
      return make_error("pool_exhausted", "numbers",
                        org_name(cc, org) + " needs " +
                            std::to_string(cc.available(org) - cc.capacity(org)) +
                            " available numbers for invitations waiting for one; this would leave " +
                            std::to_string(cc.available(org)) + ".");
    }
  }
  return {};
}

// What the activity report keeps of a number a command changed.
Json number_audit_json(const Number& n) {
  return Json{{"number", n.e164}, {"state", number_state_name(n.state)}, {"tag", n.tag}};
}

}  // namespace

Status run(CommandContext& cc, const ImportNumbers& c) {
  const Organization* root = cc.state.root();
  if (!root) return make_error("no_enterprise", "", "The enterprise does not exist yet.");
  // DESIGN: numbers are imported into the root's pool, then allocated down the tree.
  if (auto s = cc.require(Privilege::kNumbers, root->id, "organization"); !s) {
    if (s.error().code == "not_found") {
      return make_error("forbidden", "",
                        "Numbers are imported into the enterprise's pool by its administrators.");
    }
    return s;
  }
  if (c.entries.empty()) return make_error("missing_field", "entries", "The file lists no numbers.");
  if (c.entries.size() > kMaxNumbersPerImport) {
    return make_error("too_many_numbers", "entries",
                      "The file lists " + std::to_string(c.entries.size()) +
                          " numbers; import at most 200000 at once.");
  }
  std::unordered_map<NumberId, std::size_t> first_line;
  Json rows = Json::array();
  Json imported_numbers = Json::array();
  std::int64_t failed = 0;
  for (const NumberEntry& e : c.entries) {
    Json row{{"line", e.line}, {"number", e.number}, {"tag", e.tag}};
    auto fail = [&](const std::string& code, const std::string& reason) {
      row["status"] = "failed";
      row["code"] = code;
      row["reason"] = reason;
      ++failed;
    };
    auto e164 = parse_e164(e.number, "number");
    if (!e164) {
      fail(e164.error().code, e164.error().message);
    } else if (!trim(e.tag).empty() && !check_tag(e.tag, "tag")) {
      fail("invalid_tag", check_tag(e.tag, "tag").error().message);
    } else {
      const NumberId id = number_id_of(*e164);
      auto [it, fresh] = first_line.emplace(id, e.line);
      if (!fresh) {
        fail("duplicate_in_file", *e164 + " is listed twice (first on line " +
                                      std::to_string(it->second) + ").");
      } else if (cc.number(id)) {
        fail("number_exists", *e164 + " is already in the inventory.");
      } else {
        Number n;
        n.id = id;
        n.e164 = *e164;
        n.org = root->id;
        n.tag = std::string(trim(e.tag));
        n.state = number_state_for(nullptr, n.tag);
        n.imported_ms = cc.ctx.now_ms;
        cc.put(n);
        row["status"] = "imported";
        row["number"] = *e164;
        imported_numbers.push_back(*e164);
      }
    }
    rows.push_back(std::move(row));
  }
  const auto imported = static_cast<std::int64_t>(imported_numbers.size());
  const Json after = Json{{"numbers", std::move(imported_numbers)}, {"refused_rows", failed}};
  cc.audit("import_numbers", root->id, "numbers", nullptr, &after,
           "Imported " + std::to_string(imported) + " numbers into " + root->name +
               (failed ? "; " + std::to_string(failed) + " rows refused" : std::string()) + ".");
  cc.changes().result =
      Json{{"imported", imported}, {"failed", failed}, {"rows", std::move(rows)}};
  return {};
}

Status run(CommandContext& cc, const AllocateNumbers& c) {
  if (auto s = cc.require(Privilege::kNumbers, c.to, "organization"); !s) return s;
  OrgId from = c.from;
  if (!from.valid()) from = cc.state.org(c.to)->parent;
  if (!from.valid()) {
    return make_error("missing_field", "from", "Choose the organization to take the numbers from.");
  }
  if (auto s = cc.require(Privilege::kNumbers, from, "organization"); !s) return s;
  const OrgTree& tree = cc.state.orgs();
  if (from == c.to || (!tree.is_within(c.to, from) && !tree.is_within(from, c.to))) {
    return make_error("not_along_tree", "to",
                      "Numbers move down to a sub-organization or back up to an organization "
                      "above; " + org_name(cc, from) + " and " + org_name(cc, c.to) +
                          " are in different branches.");
  }
  std::vector<NumberId> ids;
  if (!c.numbers.empty()) {
    auto r = resolve_numbers(cc, c.numbers);
    if (!r) return r.error();
    ids = std::move(r).value();
    for (NumberId id : ids) {
      const Number* n = cc.number(id);
      if (n->org != from) {
        return make_error("number_not_in_org", "numbers",
                          n->e164 + " is not in the pool of " + org_name(cc, from) + ".");
      }
      if (n->state != NumberState::kAvailable && n->state != NumberState::kReserved) {
        return make_error("number_in_use", "numbers",
                          n->e164 + " is assigned to an account; only free numbers move.");
      }
    }
  } else {
    if (c.count <= 0) {
      return make_error("missing_field", "count", "Enter how many numbers to allocate.");
    }
    if (cc.available(from) < c.count) {
      return make_error("not_enough_numbers", "count",
                        org_name(cc, from) + " has only " + std::to_string(cc.available(from)) +
                            " available numbers.");
    }
    // The lowest available numbers: both sides of a sync choose the same ones.
    for (NumberId id : cc.state.available_numbers(from)) {
      if (static_cast<std::int64_t>(ids.size()) == c.count) break;
      const Number* n = cc.number(id);
      if (n && n->org == from && n->state == NumberState::kAvailable) ids.push_back(id);
    }
  }
  Json moved = Json::array();
  for (NumberId id : ids) {
    Number n = *cc.number(id);
    n.org = c.to;
    cc.put(n);
    moved.push_back(n.e164);
  }
  if (auto s = check_pools(cc, {from}); !s) return s;
  const bool down = tree.is_within(c.to, from);
  const Json before = Json{{"org", from.value}, {"numbers", moved}};
  const Json after = Json{{"org", c.to.value}, {"numbers", std::move(moved)}};
  cc.audit("allocate_numbers", c.to, std::to_string(ids.size()) + " numbers", &before, &after,
           (down ? "Allocated " : "Returned ") + std::to_string(ids.size()) + " numbers from " +
               org_name(cc, from) + " to " + org_name(cc, c.to) + ".");
  cc.changes().result = Json{{"moved", ids.size()}};
  return {};
}

Status run(CommandContext& cc, const ReserveNumbers& c) {
  if (auto s = check_tag(c.tag, "tag"); !s) return s;
  auto r = resolve_numbers(cc, c.numbers);
  if (!r) return r.error();
  std::set<OrgId> orgs;
  Json before = Json::array();
  Json after = Json::array();
  for (NumberId id : r.value()) {
    Number n = *cc.number(id);
    if (auto s = cc.require(Privilege::kNumbers, n.org, "number"); !s) return s;
    if (n.state != NumberState::kAvailable && n.state != NumberState::kReserved) {
      return make_error("number_in_use", "numbers",
                        n.e164 + " is assigned to an account; reserve free numbers only.");
    }
    before.push_back(number_audit_json(n));
    n.tag = std::string(trim(c.tag));
    n.state = NumberState::kReserved;
    cc.put(n);
    after.push_back(number_audit_json(n));
    orgs.insert(n.org);
  }
  if (auto s = check_pools(cc, orgs); !s) return s;
  cc.audit("reserve_numbers", orgs.empty() ? OrgId() : *orgs.begin(),
           std::to_string(r->size()) + " numbers", &before, &after,
           "Reserved " + std::to_string(r->size()) + " numbers with the tag \"" +
               std::string(trim(c.tag)) + "\".");
  return {};
}

Status run(CommandContext& cc, const ReleaseNumbers& c) {
  auto r = resolve_numbers(cc, c.numbers);
  if (!r) return r.error();
  OrgId first;
  Json before = Json::array();
  Json after = Json::array();
  for (NumberId id : r.value()) {
    Number n = *cc.number(id);
    if (auto s = cc.require(Privilege::kNumbers, n.org, "number"); !s) return s;
    if (n.tag.empty()) continue;
    before.push_back(number_audit_json(n));
    n.tag.clear();
    if (n.state == NumberState::kReserved) n.state = NumberState::kAvailable;
    cc.put(n);
    after.push_back(number_audit_json(n));
    if (!first.valid()) first = n.org;
  }
  cc.audit("release_numbers", first, std::to_string(r->size()) + " numbers", &before, &after,
           "Released " + std::to_string(r->size()) + " numbers from their reservation.");
  return {};
}

}  // namespace linedesk::commands
