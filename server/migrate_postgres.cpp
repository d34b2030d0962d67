// SQLite -> PostgreSQL copy with row-count verification.
#include "migrate_postgres.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>

#include "clock.hpp"
#include "postgres_db.hpp"
#include "sqlite_db.hpp"
#include "store.hpp"

namespace linedesk::server {
namespace {

// Every table, parents before the tables whose foreign keys point to them. schema_migrations is
// not copied: the target's own records its (identical) schema.
const std::vector<std::string>& tables_in_order() {
  static const std::vector<std::string> kTables = {
      "meta",           "organizations",     "roles",        "permission_groups",
      "administrators", "accounts",          "numbers",      "invitations",
      "invitation_tokens", "admin_tokens",   "batches",      "batch_rows",
      "activity",       "usage_records",     "sessions",     "login_failures",
      "outbox",         "change_log",        "commands",     "sync_clients",
      "sync_results",
  };
  return kTables;
}

// Rows per INSERT: far fewer round trips than one per row, far below PostgreSQL's 65 535
// parameters for the widest table.
constexpr std::size_t kRowsPerInsert = 200;

std::int64_t count_rows(SqlConnection& db, const std::string& table) {
  return Stmt(db.cached("SELECT count(*) FROM " + table)).scalar().value_or(0);
}

std::vector<std::string> columns_of(SqlConnection& sqlite, const std::string& table) {
  std::vector<std::string> out;
  Stmt st(sqlite.cached("SELECT name FROM pragma_table_info(?) ORDER BY cid"));
  st.bind(table);
  while (st.step()) out.push_back(st.col_text(0));
  return out;
}

// The rows of `table` in an order the target's foreign keys accept: organizations from the root
// down (each after its parent), every other table as stored.
std::string select_rows(const std::string& table, const std::vector<std::string>& cols) {
  std::string list;
  for (const std::string& c : cols) list += (list.empty() ? "" : ", ") + table + "." + c;
  if (table == "organizations") {
    return "WITH RECURSIVE depth(id, d) AS (SELECT id, 0 FROM organizations WHERE parent_id IS "
           "NULL UNION ALL SELECT o.id, depth.d + 1 FROM organizations o JOIN depth ON "
           "o.parent_id = depth.id) SELECT " + list +
           " FROM organizations JOIN depth ON depth.id = organizations.id ORDER BY depth.d";
  }
  return "SELECT " + list + " FROM " + table;
}

std::string insert_sql(const std::string& table, const std::vector<std::string>& cols,
                       std::size_t rows) {
  std::string names;
  std::string one = "(";
  for (std::size_t i = 0; i < cols.size(); ++i) {
    names += (i ? ", " : "") + cols[i];
    one += i ? ", ?" : "?";
  }
  one += ")";
  std::string sql = "INSERT INTO " + table + " (" + names + ") VALUES ";
  for (std::size_t r = 0; r < rows; ++r) sql += (r ? ", " : "") + one;
  return sql;
}

}  // namespace

Result<std::vector<TableCopy>> copy_database(SqlConnection& from, SqlConnection& to) {
  const auto& order = tables_in_order();
  {
    // A table this copy does not know would be left behind silently.
    Stmt st(from.cached("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                        "'sqlite_%' ORDER BY name"));
    const std::set<std::string> known(order.begin(), order.end());
    while (st.step()) {
      const std::string name = st.col_text(0);
      if (name != "schema_migrations" && !known.count(name)) {
        return make_error("unknown_table", name,
                          "The SQLite database has a table \"" + name +
                              "\" this version of LineDesk does not copy; nothing was copied.");
      }
    }
  }
  for (const std::string& table : order) {
    if (const std::int64_t n = count_rows(to, table); n > 0) {
      return make_error("target_not_empty", table,
                        "The PostgreSQL database already holds data (" + std::to_string(n) +
                            " rows in " + table + "); migrate into an empty database. Nothing "
                            "was copied.");
    }
  }

  Transaction tx(to);
  std::vector<TableCopy> report;
  for (const std::string& table : order) {
    const std::vector<std::string> cols = columns_of(from, table);
    // The source read in one snapshot per table; the server must not be running on the file.
    auto rows = from.prepare(select_rows(table, cols));
    std::vector<std::optional<std::string>> values;
    values.reserve(cols.size() * kRowsPerInsert);
    auto flush = [&] {
      const std::size_t n = values.size() / cols.size();
      if (n == 0) return;
      SqlStatement& insert = to.cached(insert_sql(table, cols, n));
      int index = 0;
      for (const auto& v : values) {
        ++index;
        if (v) {
          insert.bind_text(index, *v);
        } else {
          insert.bind_null(index);
        }
      }
      while (insert.step()) {
      }
      insert.finish();
      values.clear();
    };
    while (rows->step()) {
      for (int c = 0; c < static_cast<int>(cols.size()); ++c) {
        values.push_back(rows->column_is_null(c) ? std::nullopt
                                                  : std::optional<std::string>(rows->column_text(c)));
      }
      if (values.size() / cols.size() == kRowsPerInsert) flush();
    }
    flush();
    report.push_back(TableCopy{table, count_rows(from, table), count_rows(to, table)});
  }
  // The generated keys continue after the copied ones.
  to.exec("SELECT setval(pg_get_serial_sequence('outbox', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM outbox");
  to.exec("SELECT setval(pg_get_serial_sequence('change_log', 'seq'), COALESCE(MAX(seq), 0) + 1, false) FROM change_log");
  for (const TableCopy& t : report) {
    if (t.source_rows != t.target_rows) {
      return make_error("count_mismatch", t.table,
                        "Table " + t.table + " has " + std::to_string(t.source_rows) +
                            " rows in SQLite but " + std::to_string(t.target_rows) +
                            " in PostgreSQL; nothing was kept.");
    }
  }
  tx.commit();
  return report;
}

int migrate_command(const Options& opts) {
  if (!std::filesystem::exists(opts.migrate_from)) {
    std::fprintf(stderr, "linedesk-server: --migrate-from %s: no such file.\n", opts.migrate_from.c_str());
    return 2;
  }
  SystemClock clock;
  // Both at the newest schema: the SQLite file is upgraded as a server start would.
  Store source(std::make_unique<SqliteConnection>(opts.migrate_from, false), clock.now_ms());
  Store target(std::make_unique<PostgresConnection>(opts.db_path), clock.now_ms());
  std::printf("Copying %s into %s...\n", source.describe().c_str(), target.describe().c_str());
  std::fflush(stdout);
  auto copied = source.with_connection([&](SqlConnection& from) {
    return target.with_connection([&](SqlConnection& to) { return copy_database(from, to); });
  });
  if (!copied) {
    std::fprintf(stderr, "linedesk-server: %s\n", copied.error().message.c_str());
    return 1;
  }
  std::printf("%-20s %12s %12s\n", "table", "SQLite", "PostgreSQL");
  std::int64_t total = 0;
  for (const TableCopy& t : *copied) {
    std::printf("%-20s %12lld %12lld\n", t.table.c_str(), static_cast<long long>(t.source_rows),
                static_cast<long long>(t.target_rows));
    total += t.target_rows;
  }
  std::printf("Every table's row count matches: %lld rows copied. Start the servers with --db %s.\n",
              static_cast<long long>(total), redact_postgres_target(opts.db_path).c_str());
  return 0;
}

}  // namespace linedesk::server
