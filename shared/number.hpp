// Number: a business phone number (E.164) in an organization's pool, and its state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ids.hpp"
#include "json_io.hpp"

namespace linedesk {

// Seed 004, "Detailed Report": what a number is doing. "Allocated to Sub-Organizations" is
// not a state: it is where the number sits (a descendant's pool) seen from an ancestor.
enum class NumberState {
  kAvailable,          // free in its pool: can be assigned, allocated or reserved
  kReserved,           // tagged for a specific use (e.g. "PORTED"), not assigned
  kPendingInvitation,  // assigned to an account that has not been invited yet
  kAssigned,           // assigned to an invited account that has not activated
  kActivated,          // in use by an active account
};

std::string_view number_state_name(NumberState s);   // "available", ...
std::string_view number_state_label(NumberState s);  // "Available", "Pending invitation", ...
std::optional<NumberState> number_state_from_name(std::string_view name);

struct Number {
  NumberId id;           // the E.164 digits
  std::string e164;      // "+390612345678"
  OrgId org;             // the organization whose pool holds it
  std::string tag;       // reservation tag; kept while assigned so release restores it
  AccountId account;     // the account it is assigned to, if any
  NumberState state = NumberState::kAvailable;
  TimestampMs imported_ms = 0;

  bool free() const { return state == NumberState::kAvailable; }
  bool operator==(const Number&) const = default;
};

Json to_json(const Number& n);
Result<Number> number_from_json(const Json& j);

// Parses a phone number with its country code: "+39 06 1234 5678", "0039 06...", "(+1) 555-0100"
// or digits only (Excel drops the "+"). 7 to 15 digits, the first not 0. Returns "+<digits>".
Result<std::string> parse_e164(std::string_view text, std::string_view field);
NumberId number_id_of(std::string_view e164);

// Forwarding number (seed: "values between 4 to 18 digits with country code"): spaces, dots,
// dashes and brackets are ignored, a leading "+" or "00" is allowed. Returns "+<digits>".
Result<std::string> parse_forwarding_number(std::string_view text, std::string_view field);

// Reservation tags: 1 to 40 characters of letters, digits, space, "-", "_" (e.g. "PORTED").
Status check_tag(std::string_view tag, std::string_view field);

}  // namespace linedesk
