// The text form of a snapshot (a new device's first pull, or one far behind): a first line
// "LDSNAP1", a JSON line with the pull's other fields, then per entity kind a line
// "#<kind> <count>" and one tab-separated line per entity (backslash escapes \t \n \r \\).
// Accounts, numbers and invitations are written column by column and read straight into
// their structs; the few other entities carry their JSON. A 100 000-account snapshot is about
// a third of its JSON form and decodes several times faster.
#pragma once

#include <string>
#include <string_view>

#include "sync.hpp"

namespace linedesk {

inline constexpr std::string_view kSnapshotMagic = "LDSNAP1\n";

std::string encode_snapshot(const PullResponse& snapshot);
// Refuses text that is not a snapshot or whose rows do not match their kind.
Result<PullResponse> decode_snapshot(std::string_view text);
inline bool is_snapshot_text(std::string_view body) { return body.substr(0, kSnapshotMagic.size()) == kSnapshotMagic; }

// The body of a pull's answer: the text form when it is a snapshot the client asked to get as
// text, JSON otherwise. The one encoder the server uses, and the one decoder clients use.
std::string encode_pull_answer(const PullRequest& request, const PullResponse& answer);
Result<PullResponse> decode_pull_answer(std::string_view body);

}  // namespace linedesk
