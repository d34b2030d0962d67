// The command engine: the one entry point the server and the console use to check and apply a
// command against a State.
#pragma once

#include "command.hpp"
#include "command_context.hpp"

namespace linedesk {

// Checks `args` as the actor of `ctx` against `state` and returns what it would change, or the
// first rule it breaks. Changes nothing. System commands are refused unless ctx.system.
Result<Changes> validate(const State& state, const Context& ctx, const CommandArgs& args);

// validate(), then applies the changes to `state`, and adds the utilization-threshold
// notifications the change triggers (seed 004: when the threshold is reached, then on every
// further assignment while numbers remain).
Result<Changes> execute(State& state, const Context& ctx, const CommandArgs& args);

// A Context for `command` run by `actor` at `now_ms`: the id seed comes from the UUID.
Context context_for(const Command& command, AdminId actor, TimestampMs now_ms);

}  // namespace linedesk
