// The activation page behind an invitation link (seeds 001-003: "end-users will have the option
// to select from a short list of available numbers during MultiLine activation"): choosing a
// number, an assigned number, and links that were used, replaced, expired or never existed.
#include <catch2/catch.hpp>

#include <thread>

#include "test_support.hpp"

using namespace linedesk;
using namespace linedesk::test;

namespace {

const std::string kForm = "application/x-www-form-urlencoded";

struct Enterprise {
  TempDir dir;
  TestServer s{dir.file("db.sqlite")};
  std::string token = session_for(s, admin_id(s, kAdminEmail));
  OrgId root = s.root();

  // Save & Invite, delivered; returns the account and its link's token.
  std::pair<AccountId, std::string> invite(const Json& fields, const std::string& number = {}) {
    const AccountId id = add_account(s, token, root, fields, true, number);
    s.deliver();
    return {id, link_token(outbox_files(s).back().text, "/activate/")};
  }
  Reply open(const std::string& link) const { return s.get("/activate/" + link, ""); }
  Reply activate(const std::string& link, const std::string& form) const {
    return s.request("POST", "/activate/" + link, form, "", kForm);
  }
  NumberState state_of(const std::string& e164) const {
    return s.service().read([&](const State& st) { return st.number(number_id_of(e164))->state; });
  }
};

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("without an assigned number the page offers five available numbers to choose from", "[activation]") {
  Enterprise e;
  const auto n = import_numbers(e.s, e.token, 15553000000, 7);
  const auto [account, link] = e.invite(account_fields("ana-1", "Ana", "Bell", "ana@example.com"));

  auto page = e.open(link);
  REQUIRE(page.status == 200);
  CHECK(page.headers.find("Content-Type")->second.rfind("text/html", 0) == 0);
  CHECK(page.headers.find("Content-Security-Policy")->second.find("default-src 'none'") != std::string::npos);
  CHECK(page.body.find("Hello Ana Bell,") != std::string::npos);
  CHECK(page.body.find(std::string(kOrgName) + " has set up a business phone line for you.") != std::string::npos);
  CHECK(page.body.find("Choose your number") != std::string::npos);
  CHECK(count_of(page.body, "name=\"number\"") == 5);
  for (int i = 0; i < 5; ++i) CHECK(page.body.find("value=\"" + n[i] + "\"") != std::string::npos);
  CHECK(page.body.find(n[5]) == std::string::npos);

  auto done = e.activate(link, "number=" + url_encode(n[2]));
  REQUIRE(done.status == 200);
  CHECK(done.body.find("Your line is active") != std::string::npos);
  CHECK(done.body.find(n[2]) != std::string::npos);
  const Account a = account_of(e.s, account);
  CHECK(a.status == AccountStatus::kActive);
  CHECK(a.number == n[2]);
  CHECK(a.registered_ms == e.s.clock().now_ms());
  CHECK(e.state_of(n[2]) == NumberState::kActivated);
  CHECK(e.s.service().read([&](const State& st) { return st.invitation(a.invitation)->status; }) ==
        InvitationStatus::kAccepted);
  CHECK(e.s.get("/api/reports/activity?action=activate_account", e.token).json["total"] == 1);

  SECTION("the used link then says so with 410") {
    auto again = e.open(link);
    CHECK(again.status == 410);
    CHECK(again.body.find("already used") != std::string::npos);
    CHECK(e.activate(link, "number=" + url_encode(n[3])).status == 410);
    CHECK(e.state_of(n[3]) == NumberState::kAvailable);
  }
}

TEST_CASE("an assigned number is shown and activated as it is", "[activation]") {
  Enterprise e;
  const auto n = import_numbers(e.s, e.token, 15553100000, 3);
  const auto [account, link] = e.invite(account_fields("bo-1", "Bo", "Lind", "bo@example.com"), n[1]);
  auto page = e.open(link);
  REQUIRE(page.status == 200);
  CHECK(page.body.find("Your number: <strong class=\"num\">" + n[1] + "</strong>") != std::string::npos);
  CHECK(page.body.find("type=\"radio\"") == std::string::npos);
  auto done = e.activate(link, "");
  REQUIRE(done.status == 200);
  CHECK(account_of(e.s, account).status == AccountStatus::kActive);
  CHECK(e.state_of(n[1]) == NumberState::kActivated);
  // Another number in the form does not override the assigned one.
  CHECK(e.state_of(n[0]) == NumberState::kAvailable);
}

TEST_CASE("a number that was not offered is refused on the page", "[activation]") {
  Enterprise e;
  const auto n = import_numbers(e.s, e.token, 15553200000, 7);
  const auto [account, link] = e.invite(account_fields("cy-1", "Cy", "Moss", "cy@example.com"));
  for (const std::string& form : {"number=" + url_encode(n[6]), std::string(""), std::string("number=banana")}) {
    CAPTURE(form);
    auto r = e.activate(link, form);
    CHECK(r.status == 422);
    CHECK(r.body.find("Choose one of the numbers offered on this page.") != std::string::npos);
    CHECK(count_of(r.body, "name=\"number\"") == 5);
  }
  CHECK(account_of(e.s, account).status == AccountStatus::kInvited);
  CHECK(e.state_of(n[6]) == NumberState::kAvailable);
}

TEST_CASE("a link replaced by a resent invitation gets a clear 410 page", "[activation]") {
  Enterprise e;
  import_numbers(e.s, e.token, 15553300000, 2);
  const auto [account, first] = e.invite(account_fields("di-1", "Di", "Ward", "di@example.com"));
  REQUIRE(e.s.post("/api/accounts/invite", Json{{"accounts", {account.value}}}, e.token).status == 200);
  e.s.deliver();
  const std::string second = link_token(outbox_files(e.s).back().text, "/activate/");
  REQUIRE(second != first);

  auto old = e.open(first);
  CHECK(old.status == 410);
  CHECK(old.body.find("replaced by a newer invitation") != std::string::npos);
  CHECK(e.activate(first, "").status == 410);
  CHECK(e.open(second).status == 200);
}

TEST_CASE("an expired link gets a clear 410 page; a link that never existed gets 404", "[activation]") {
  Enterprise e;
  import_numbers(e.s, e.token, 15553400000, 2);
  const auto [account, link] = e.invite(account_fields("ed-1", "Ed", "Old", "ed@example.com"));
  e.s.clock().advance_ms(14LL * 24 * 3600 * 1000 - 1);  // the default: valid 14 days
  CHECK(e.open(link).status == 200);
  e.s.clock().advance_ms(1);
  auto expired = e.open(link);
  CHECK(expired.status == 410);
  CHECK(expired.body.find("expired") != std::string::npos);
  CHECK(expired.body.find("resend") != std::string::npos);
  CHECK(e.activate(link, "").status == 410);
  CHECK(account_of(e.s, account).status == AccountStatus::kInvited);

  auto unknown = e.open(std::string(43, 'Q'));
  CHECK(unknown.status == 404);
  CHECK(unknown.body.find("This activation link is not valid.") != std::string::npos);
  CHECK(e.activate(std::string(43, 'Q'), "").status == 404);
}

TEST_CASE("names on the page are escaped", "[activation]") {
  Enterprise e;
  import_numbers(e.s, e.token, 15553500000, 1);
  const auto [account, link] = e.invite(account_fields("x-1", "<i>Ivy</i>", "O'Hara & Co", "ivy@example.com"));
  auto page = e.open(link);
  REQUIRE(page.status == 200);
  CHECK(page.body.find("Hello &lt;i&gt;Ivy&lt;/i&gt; O&#39;Hara &amp; Co,") != std::string::npos);
  CHECK(page.body.find("<i>Ivy") == std::string::npos);
}

TEST_CASE("two activations of one link at once: exactly one wins", "[activation]") {
  Enterprise e;
  const auto n = import_numbers(e.s, e.token, 15553600000, 5);
  const auto [account, link] = e.invite(account_fields("ra-1", "Ray", "Race", "ray@example.com"));
  int statuses[2] = {0, 0};
  std::thread a([&] { statuses[0] = e.activate(link, "number=" + url_encode(n[0])).status; });
  std::thread b([&] { statuses[1] = e.activate(link, "number=" + url_encode(n[1])).status; });
  a.join();
  b.join();
  std::sort(std::begin(statuses), std::end(statuses));
  CHECK(statuses[0] == 200);
  CHECK(statuses[1] == 410);
  const std::string held = account_of(e.s, account).number;
  CHECK((held == n[0] || held == n[1]));
  std::size_t activated = 0;
  for (const auto& number : n) activated += e.state_of(number) == NumberState::kActivated;
  CHECK(activated == 1);
}
