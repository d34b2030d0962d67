// Invitation: an email or SMS carrying an activation link for one account.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ids.hpp"
#include "json_io.hpp"

namespace linedesk {

enum class InvitationStatus {
  kPending,   // decided, waiting for the server to deliver it
  kSent,      // handed to the mail relay (or written to the outbox)
  kFailed,    // delivery failed; the account shows "Invitation Failed"
  kAccepted,  // the user activated through its link
  kRevoked,   // replaced by a newer invitation, or the account was deleted or moved
};

std::string_view invitation_status_name(InvitationStatus s);
std::optional<InvitationStatus> invitation_status_from_name(std::string_view name);

struct Invitation {
  InvitationId id;
  AccountId account;
  OrgId org;
  std::string address;  // email, or device number for SMS
  bool by_email = true;
  InvitationStatus status = InvitationStatus::kPending;
  TimestampMs created_ms = 0;
  TimestampMs expires_ms = 0;
  TimestampMs sent_ms = 0;
  std::string failure;  // why delivery failed

  // Usable for activation at `now`: pending or sent, and not expired.
  bool usable(TimestampMs now) const {
    return (status == InvitationStatus::kPending || status == InvitationStatus::kSent) &&
           now < expires_ms;
  }
  bool operator==(const Invitation&) const = default;
};

Json to_json(const Invitation& i);
Result<Invitation> invitation_from_json(const Json& j);

}  // namespace linedesk
