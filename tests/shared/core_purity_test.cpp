// The core stays pure: no I/O, UI, network, storage or clock in shared/ (STYLE.md "Layers").
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace fs = std::filesystem;

TEST_CASE("shared/ includes no I/O, UI, network or storage headers and reads no clock") {
  const fs::path root = fs::path(LINEDESK_SOURCE_DIR) / "shared";
  REQUIRE(fs::is_directory(root));
  const std::regex forbidden(
      R"((#include\s*[<"](imgui|httplib|sqlite3|emscripten|curl/|sodium|GLFW|fstream|iostream|cstdio|thread|filesystem|random|ctime|sys/|unistd))|system_clock|steady_clock|high_resolution_clock|\btime\(|\brand\(|random_device|getenv)");
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const auto ext = entry.path().extension();
    if (ext != ".cpp" && ext != ".hpp") continue;
    ++files;
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    std::smatch m;
    INFO(entry.path().string());
    CHECK_FALSE(std::regex_search(text, m, forbidden));
    if (std::regex_search(text, m, forbidden)) FAIL_CHECK("found: " << m.str());
  }
  CHECK(files > 5);
}
