// Finding accounts and numbers: the text search, filters, sort orders and paging that the
// console's tables and the JSON API share.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "state.hpp"

namespace linedesk {

enum class AccountSort { kName, kAccountId, kStatus, kOrganization, kNumber, kCreated, kLastSignIn };

struct AccountQuery {
  OrgId org;                       // this organization and, with include_suborgs, its subtree
  bool include_suborgs = true;
  std::string text;                // case-insensitive, in name, Account ID, address, number, notes
  std::optional<AccountStatus> status;
  PermGroupId group;
  std::optional<NumberState> number_state;  // the state of the account's number
  bool without_number = false;     // only accounts without a number
  AccountSort sort = AccountSort::kName;
  bool descending = false;
  std::int64_t offset = 0;
  std::int64_t limit = 100;        // 0: all
};

struct AccountPage {
  std::int64_t total = 0;          // matches before paging
  std::vector<const Account*> rows;
};

// Matching accounts, sorted (ties by Account ID), then paged.
AccountPage query_accounts(const State& state, const AccountQuery& q);

// The pieces query_accounts is made of, for views that keep its answer up to date:
// the organizations q covers; whether one account passes q's filters (the text already
// folded); and the order (a key per account, compared with account_sort_less).
std::unordered_set<OrgId> query_orgs(const State& state, const AccountQuery& q);
bool account_passes(const State& state, const Account& a, const AccountQuery& q,
                    const std::unordered_set<OrgId>& orgs, std::string_view folded_text);
struct AccountSortKey {
  const Account* account = nullptr;
  std::string key;
  std::int64_t number = 0;
};
AccountSortKey account_sort_key(const State& state, const Account& a, AccountSort sort);
bool account_sort_less(const AccountSortKey& x, const AccountSortKey& y, bool descending);

// Reads a query from URL-style parameters (org, q, status, group, number_state, without_number,
// sort, dir, offset, limit, suborgs), refusing unknown values with the parameter's name.
Result<AccountQuery> account_query_from_params(const std::map<std::string, std::string>& params,
                                               OrgId default_org);

struct NumberQuery {
  OrgId org;
  bool include_suborgs = true;
  std::optional<NumberState> state;
  std::string tag;      // exact, case-insensitive
  std::string text;     // digits contained in the number
  std::int64_t offset = 0;
  std::int64_t limit = 100;
};

struct NumberPage {
  std::int64_t total = 0;
  std::vector<const Number*> rows;  // ascending by number
};

NumberPage query_numbers(const State& state, const NumberQuery& q);
Result<NumberQuery> number_query_from_params(const std::map<std::string, std::string>& params,
                                             OrgId default_org);

// True when the folded text (fold_text) of `needle_folded` occurs in the account's name,
// Account ID, invitation address, number or notes, ignoring case and accents.
bool matches_text(const Account& a, std::string_view needle_folded);

// True when `needle` (lower-case ASCII) occurs in `haystack`, ignoring ASCII case.
bool contains_folded(std::string_view haystack, std::string_view needle_lower);

}  // namespace linedesk
