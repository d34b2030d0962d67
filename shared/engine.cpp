// Command dispatch and threshold notifications.
#include "engine.hpp"

#include <set>

#include "commands.hpp"
#include "policy.hpp"
#include "reports.hpp"

namespace linedesk {
namespace {

// Organizations whose pools a change set touches (numbers moving, changing state).
std::set<OrgId> touched_pools(const State& state, const Changes& changes) {
  std::set<OrgId> orgs;
  for (const Entity& e : changes.puts) {
    if (const auto* n = std::get_if<Number>(&e)) {
      orgs.insert(n->org);
      if (const Number* old = state.number(n->id)) orgs.insert(old->org);
    }
  }
  return orgs;
}

}  // namespace

Context context_for(const Command& command, AdminId actor, TimestampMs now_ms) {
  return Context{actor, now_ms, seed_from(command.uuid), false};
}

Result<Changes> validate(const State& state, const Context& ctx, const CommandArgs& args) {
  if (is_system_command(args) && !ctx.system) {
    return make_error("forbidden", "name",
                      "\"" + std::string(command_name(args)) + "\" is run by the server itself.");
  }
  CommandContext cc(state, ctx);
  if (auto s = cc.init(); !s) return s.error();
  Status s = std::visit([&cc](const auto& c) { return commands::run(cc, c); }, args);
  if (!s) return s.error();
  return cc.finish();
}

Result<Changes> execute(State& state, const Context& ctx, const CommandArgs& args) {
  auto changes = validate(state, ctx, args);
  if (!changes) return changes;
  const std::set<OrgId> orgs = touched_pools(state, *changes);
  std::vector<std::pair<OrgId, NumberUtilization>> before;
  for (OrgId org : orgs) before.emplace_back(org, number_utilization(state, org));
  state.apply(*changes);
  for (const auto& [org, was] : before) {
    if (!state.org(org)) continue;
    const NumberUtilization now = number_utilization(state, org);
    const std::int64_t threshold = effective_int(state.orgs(), org, policy::kUtilizationThreshold);
    // Reaching the threshold, then each further number taken while at or above it.
    const bool crossed = !threshold_reached(was, threshold) && threshold_reached(now, threshold);
    const bool further = threshold_reached(was, threshold) && now.in_use() > was.in_use() &&
                         now.total == was.total;
    if (!crossed && !further) continue;
    Notification note;
    note.kind = Notification::Kind::kThreshold;
    note.org = org;
    note.recipients = notification_recipients(state, org);
    note.percent = now.percent();
    note.threshold = threshold;
    note.in_use = now.in_use();
    note.total = now.total;
    changes->notifications.push_back(std::move(note));
  }
  return changes;
}

}  // namespace linedesk
