// JSON form of Invitation.
#include "invitation.hpp"

namespace linedesk {

std::string_view invitation_status_name(InvitationStatus s) {
  switch (s) {
    case InvitationStatus::kPending: return "pending";
    case InvitationStatus::kSent: return "sent";
    case InvitationStatus::kFailed: return "failed";
    case InvitationStatus::kAccepted: return "accepted";
    case InvitationStatus::kRevoked: return "revoked";
  }
  return "pending";
}

std::optional<InvitationStatus> invitation_status_from_name(std::string_view name) {
  for (InvitationStatus s : {InvitationStatus::kPending, InvitationStatus::kSent,
                             InvitationStatus::kFailed, InvitationStatus::kAccepted,
                             InvitationStatus::kRevoked}) {
    if (invitation_status_name(s) == name) return s;
  }
  return std::nullopt;
}

Json to_json(const Invitation& i) {
  return Json{{"id", i.id.value},
              {"account", i.account.value},
              {"org", i.org.value},
              {"address", i.address},
              {"by_email", i.by_email},
              {"status", invitation_status_name(i.status)},
              {"created_ms", i.created_ms},
              {"expires_ms", i.expires_ms},
              {"sent_ms", i.sent_ms},
              {"failure", i.failure}};
}

Result<Invitation> invitation_from_json(const Json& j) {
  JsonReader r(j, "invitation");
  Invitation i;
  i.id = r.required_id<InvitationTag>("id");
  i.account = r.required_id<AccountTag>("account");
  i.org = r.required_id<OrgTag>("org");
  i.address = r.required_string("address");
  i.by_email = r.optional_bool("by_email", true);
  const std::string status = r.optional_string("status", "pending");
  i.created_ms = r.optional_int("created_ms");
  i.expires_ms = r.optional_int("expires_ms");
  i.sent_ms = r.optional_int("sent_ms");
  i.failure = r.optional_string("failure");
  if (!r.ok()) return r.error();
  auto st = invitation_status_from_name(status);
  if (!st) {
    return make_error("invalid_field", "invitation.status",
                      "Unknown invitation status \"" + status + "\".");
  }
  i.status = *st;
  return i;
}

}  // namespace linedesk
