// Entity kinds and the JSON forms of Changes.
#include "changes.hpp"

namespace linedesk {
namespace {

constexpr std::pair<EntityKind, std::string_view> kKindNames[] = {
    {EntityKind::kOrganization, "organization"},
    {EntityKind::kAdministrator, "administrator"},
    {EntityKind::kRole, "role"},
    {EntityKind::kPermissionGroup, "permission_group"},
    {EntityKind::kAccount, "account"},
    {EntityKind::kNumber, "number"},
    {EntityKind::kInvitation, "invitation"},
    {EntityKind::kBatch, "batch"},
};

std::string_view notification_kind_name(Notification::Kind k) {
  switch (k) {
    case Notification::Kind::kInvitation: return "invitation";
    case Notification::Kind::kThreshold: return "threshold";
    case Notification::Kind::kBatchSummary: return "batch_summary";
    case Notification::Kind::kAdminInvitation: return "admin_invitation";
  }
  return "invitation";
}

}  // namespace

std::string_view entity_kind_name(EntityKind k) {
  for (const auto& [kind, name] : kKindNames) {
    if (kind == k) return name;
  }
  return "unknown";
}

std::optional<EntityKind> entity_kind_from_name(std::string_view name) {
  for (const auto& [kind, n] : kKindNames) {
    if (n == name) return kind;
  }
  return std::nullopt;
}

EntityKind kind_of(const Entity& e) { return static_cast<EntityKind>(e.index()); }

std::int64_t id_of(const Entity& e) {
  return std::visit([](const auto& v) { return v.id.value; }, e);
}

OrgId org_of(const Entity& e) {
  return std::visit(
      [](const auto& v) -> OrgId {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, Organization>) {
          return v.id;
        } else {
          return v.org;
        }
      },
      e);
}

Json to_json(const Entity& e) {
  return std::visit([](const auto& v) { return to_json(v); }, e);
}

Json entity_envelope(const Entity& e) {
  return Json{{"v", kEntityVersion}, {"kind", entity_kind_name(kind_of(e))}, {"value", to_json(e)}};
}

Result<Entity> entity_from_envelope(const Json& j) {
  JsonReader r(j, "entity");
  const std::int64_t version = r.optional_int("v", kEntityVersion);
  const std::string kind = r.required_string("kind");
  const Json& value = r.required("value");
  if (!r.ok()) return r.error();
  if (version != kEntityVersion) {
    return make_error("version_mismatch", "entity.v",
                      "This data has version " + std::to_string(version) + "; this LineDesk reads " +
                          std::to_string(kEntityVersion) + ". Reload the console.");
  }
  auto k = entity_kind_from_name(kind);
  if (!k) return make_error("invalid_field", "entity.kind", "Unknown entity kind \"" + kind + "\".");
  auto wrap = [](auto result) -> Result<Entity> {
    if (!result) return result.error();
    return Entity(std::move(result).value());
  };
  switch (*k) {
    case EntityKind::kOrganization: return wrap(organization_from_json(value));
    case EntityKind::kAdministrator: return wrap(administrator_from_json(value));
    case EntityKind::kRole: return wrap(role_from_json(value));
    case EntityKind::kPermissionGroup: return wrap(permission_group_from_json(value));
    case EntityKind::kAccount: return wrap(account_from_json(value));
    case EntityKind::kNumber: return wrap(number_from_json(value));
    case EntityKind::kInvitation: return wrap(invitation_from_json(value));
    case EntityKind::kBatch: return wrap(batch_record_from_json(value));
  }
  return make_error("invalid_field", "entity.kind", "Unknown entity kind.");
}

Json to_json(const Tombstone& t) {
  return Json{{"kind", entity_kind_name(t.kind)}, {"id", t.id}, {"org", t.org.value}};
}

Result<Tombstone> tombstone_from_json(const Json& j) {
  JsonReader r(j, "tombstone");
  const std::string kind = r.required_string("kind");
  Tombstone t{EntityKind::kAccount, r.required_int("id"), r.optional_id<OrgTag>("org")};
  if (!r.ok()) return r.error();
  auto k = entity_kind_from_name(kind);
  if (!k) return make_error("invalid_field", "tombstone.kind", "Unknown entity kind \"" + kind + "\".");
  t.kind = *k;
  return t;
}

Json to_json(const Notification& n) {
  std::vector<std::int64_t> recipients;
  for (AdminId a : n.recipients) recipients.push_back(a.value);
  return Json{{"kind", notification_kind_name(n.kind)},
              {"org", n.org.value},
              {"invitation", n.invitation.value},
              {"account", n.account.value},
              {"recipients", recipients},
              {"percent", n.percent},
              {"threshold", n.threshold},
              {"in_use", n.in_use},
              {"total", n.total},
              {"batch", n.batch.value},
              {"admin", n.admin.value}};
}

void Changes::append(const Changes& other) {
  puts.insert(puts.end(), other.puts.begin(), other.puts.end());
  deletes.insert(deletes.end(), other.deletes.begin(), other.deletes.end());
  moved_out.insert(moved_out.end(), other.moved_out.begin(), other.moved_out.end());
}

Json to_json(const Changes& c) {
  Json puts = Json::array();
  for (const auto& e : c.puts) puts.push_back(entity_envelope(e));
  Json deletes = Json::array();
  for (const auto& t : c.deletes) deletes.push_back(to_json(t));
  Json moved = Json::array();
  for (const auto& t : c.moved_out) moved.push_back(to_json(t));
  Json out{{"puts", std::move(puts)},
           {"deletes", std::move(deletes)},
           {"moved_out", std::move(moved)},
           {"result", c.result}};
  return out;
}

Result<Changes> changes_from_json(const Json& j) {
  JsonReader r(j, "changes");
  const Json& puts = r.required("puts");
  const Json& deletes = r.required("deletes");
  if (!r.ok()) return r.error();
  if (!puts.is_array() || !deletes.is_array()) {
    return make_error("invalid_field", "changes", "Changes hold lists of puts and deletes.");
  }
  Changes c;
  for (const Json& p : puts) {
    auto e = entity_from_envelope(p);
    if (!e) return e.error();
    c.puts.push_back(std::move(e).value());
  }
  for (const Json& d : deletes) {
    auto t = tombstone_from_json(d);
    if (!t) return t.error();
    c.deletes.push_back(t.value());
  }
  if (const Json* moved = r.optional("moved_out"); moved && moved->is_array()) {
    for (const Json& m : *moved) {
      auto t = tombstone_from_json(m);
      if (!t) return t.error();
      c.moved_out.push_back(t.value());
    }
  }
  if (const Json* res = r.optional("result")) c.result = *res;
  return c;
}

}  // namespace linedesk
