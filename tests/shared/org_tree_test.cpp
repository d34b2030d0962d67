// OrgTree: the seed's example hierarchy ("ABC Banking Corporation" with Retail Bank and
// Operations, each with two departments).
#include <catch2/catch.hpp>

#include "shared/org_tree.hpp"

using namespace linedesk;

namespace {

OrgTree abc_banking() {
  return OrgTree({
      {OrgId(1), OrgId(), "ABC Banking Corporation", "", {}, 0},
      {OrgId(2), OrgId(1), "Retail Bank", "", {}, 0},
      {OrgId(3), OrgId(1), "Operations", "", {}, 0},
      {OrgId(4), OrgId(2), "North America", "", {}, 0},
      {OrgId(5), OrgId(2), "Europe", "", {}, 0},
      {OrgId(6), OrgId(3), "Finance", "", {}, 0},
      {OrgId(7), OrgId(3), "Human Resources", "", {}, 0},
  });
}

std::vector<std::string> names(const std::vector<Organization>& orgs) {
  std::vector<std::string> out;
  for (const auto& o : orgs) out.push_back(o.name);
  return out;
}

}  // namespace

TEST_CASE("subtree lists parents before children and siblings by name") {
  OrgTree t = abc_banking();
  CHECK(names(t.subtree(OrgId(1))) ==
        std::vector<std::string>{"ABC Banking Corporation", "Operations", "Finance",
                                 "Human Resources", "Retail Bank", "Europe", "North America"});
  CHECK(names(t.subtree(OrgId(2))) ==
        std::vector<std::string>{"Retail Bank", "Europe", "North America"});
  CHECK(t.subtree(OrgId(99)).empty());
}

TEST_CASE("is_within answers subtree membership") {
  OrgTree t = abc_banking();
  CHECK(t.is_within(OrgId(5), OrgId(1)));
  CHECK(t.is_within(OrgId(5), OrgId(2)));
  CHECK(t.is_within(OrgId(2), OrgId(2)));
  CHECK_FALSE(t.is_within(OrgId(5), OrgId(3)));
  CHECK_FALSE(t.is_within(OrgId(1), OrgId(2)));
  CHECK_FALSE(t.is_within(OrgId(99), OrgId(1)));
}

TEST_CASE("path and depth describe where an organization sits") {
  OrgTree t = abc_banking();
  CHECK(t.path(OrgId(7)) == "ABC Banking Corporation / Operations / Human Resources");
  CHECK(t.depth(OrgId(1)) == 0);
  CHECK(t.depth(OrgId(7)) == 2);
  CHECK(t.depth(OrgId(99)) == -1);
}

TEST_CASE("put moves an organization to a new parent; erase removes it") {
  OrgTree t = abc_banking();
  t.put({OrgId(5), OrgId(3), "Europe", "", {}, 0});
  CHECK(t.is_within(OrgId(5), OrgId(3)));
  CHECK(t.children(OrgId(2)).size() == 1);
  t.erase(OrgId(5));
  CHECK(t.find(OrgId(5)) == nullptr);
  CHECK(t.children(OrgId(3)).size() == 2);
}
