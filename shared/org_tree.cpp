// OrgTree lookups.
#include "org_tree.hpp"

#include <algorithm>

namespace linedesk {

OrgTree::OrgTree(const std::vector<Organization>& orgs) {
  for (const auto& o : orgs) orgs_[o.id] = o;
  for (const auto& o : orgs) {
    if (o.parent.valid()) {
      children_[o.parent].push_back(o.id);
    } else {
      root_ = o.id;
    }
  }
}

void OrgTree::put(const Organization& org) {
  if (!org.parent.valid()) root_ = org.id;
  auto it = orgs_.find(org.id);
  if (it != orgs_.end() && it->second.parent != org.parent) {
    auto& siblings = children_[it->second.parent];
    siblings.erase(std::remove(siblings.begin(), siblings.end(), org.id), siblings.end());
    it->second = org;
    if (org.parent.valid()) children_[org.parent].push_back(org.id);
    return;
  }
  if (it == orgs_.end() && org.parent.valid()) children_[org.parent].push_back(org.id);
  orgs_[org.id] = org;
}

void OrgTree::erase(OrgId id) {
  auto it = orgs_.find(id);
  if (it == orgs_.end()) return;
  if (it->second.parent.valid()) {
    auto& siblings = children_[it->second.parent];
    siblings.erase(std::remove(siblings.begin(), siblings.end(), id), siblings.end());
  }
  if (root_ == id) root_ = OrgId();
  orgs_.erase(it);
}

const Organization* OrgTree::find(OrgId id) const {
  auto it = orgs_.find(id);
  return it == orgs_.end() ? nullptr : &it->second;
}

const std::vector<OrgId>& OrgTree::children(OrgId id) const {
  static const std::vector<OrgId> kNone;
  auto it = children_.find(id);
  return it == children_.end() ? kNone : it->second;
}

std::vector<OrgId> OrgTree::children_by_name(OrgId id) const {
  std::vector<OrgId> kids = children(id);
  std::sort(kids.begin(), kids.end(), [this](OrgId a, OrgId b) {
    const std::string& na = find(a)->name;
    const std::string& nb = find(b)->name;
    return na == nb ? a < b : na < nb;
  });
  return kids;
}

bool OrgTree::is_within(OrgId node, OrgId ancestor) const {
  // Bounded walk: a corrupted cycle cannot loop forever.
  for (std::size_t steps = 0; steps <= orgs_.size(); ++steps) {
    if (node == ancestor) return true;
    const Organization* o = find(node);
    if (!o || !o->parent.valid()) return false;
    node = o->parent;
  }
  return false;
}

std::vector<Organization> OrgTree::subtree(OrgId root) const {
  std::vector<Organization> out;
  const Organization* r = find(root);
  if (!r) return out;
  std::vector<OrgId> stack{root};
  while (!stack.empty()) {
    OrgId id = stack.back();
    stack.pop_back();
    const Organization* o = find(id);
    if (!o) continue;
    out.push_back(*o);
    const std::vector<OrgId> kids = children_by_name(id);
    for (auto k = kids.rbegin(); k != kids.rend(); ++k) stack.push_back(*k);
  }
  return out;
}

std::string OrgTree::path(OrgId id) const {
  std::vector<const Organization*> chain;
  for (const Organization* o = find(id); o && chain.size() <= orgs_.size();
       o = o->parent.valid() ? find(o->parent) : nullptr) {
    chain.push_back(o);
  }
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (!out.empty()) out += " / ";
    out += (*it)->name;
  }
  return out;
}

int OrgTree::depth(OrgId id) const {
  int d = -1;
  for (const Organization* o = find(id); o && d < static_cast<int>(orgs_.size());
       o = o->parent.valid() ? find(o->parent) : nullptr) {
    ++d;
  }
  return d;
}

}  // namespace linedesk
