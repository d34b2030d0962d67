// OrgTree: the organization hierarchy with parent/child lookups and subtree queries.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "organization.hpp"

namespace linedesk {

class OrgTree {
 public:
  OrgTree() = default;
  explicit OrgTree(const std::vector<Organization>& orgs);

  // Inserts or replaces `org`. The caller guarantees its parent exists (or it is a root).
  void put(const Organization& org);
  // Removes `id`; its children, if any, stay (callers refuse deleting non-leaves).
  void erase(OrgId id);

  const Organization* find(OrgId id) const;
  const std::vector<OrgId>& children(OrgId id) const;
  // Children sorted by name (then id), the order every list shows them in.
  std::vector<OrgId> children_by_name(OrgId id) const;
  std::size_t size() const { return orgs_.size(); }
  const std::unordered_map<OrgId, Organization>& all() const { return orgs_; }
  // The organization without a parent (the enterprise); invalid when the tree is empty.
  OrgId root() const { return root_; }

  // True when `node` is `ancestor` itself or lies below it.
  bool is_within(OrgId node, OrgId ancestor) const;
  // `root` and every organization below it, parents before children, siblings by name.
  std::vector<Organization> subtree(OrgId root) const;
  // Names from the root down to `id`, joined by " / ".
  std::string path(OrgId id) const;
  // Depth below the root (root = 0); -1 when unknown.
  int depth(OrgId id) const;

 private:
  std::unordered_map<OrgId, Organization> orgs_;
  std::unordered_map<OrgId, std::vector<OrgId>> children_;
  OrgId root_;
};

}  // namespace linedesk
