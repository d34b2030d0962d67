// Moving an enterprise from its SQLite file into PostgreSQL: every table copied in one
// transaction, then every table's row count compared.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "options.hpp"
#include "shared/result.hpp"
#include "sql.hpp"

namespace linedesk::server {

struct TableCopy {
  std::string table;
  std::int64_t source_rows = 0;
  std::int64_t target_rows = 0;
};

// Copies every table of `from` (an SQLite database at the newest schema) into `to` (a PostgreSQL
// database at the newest schema, without any data) in one transaction on `to`, then counts each
// table on both sides. Errors: target_not_empty (naming a table that holds rows), unknown_table
// (a table this copy does not know), count_mismatch (naming the table; nothing is kept).
Result<std::vector<TableCopy>> copy_database(SqlConnection& from, SqlConnection& to);

// `linedesk-server --db postgresql://... --migrate-from FILE`: opens both (the SQLite file is
// brought to the newest schema first, as a server start would), copies, prints each table's
// counts, and returns the process's exit code (0: every count matched).
int migrate_command(const Options& opts);

}  // namespace linedesk::server
