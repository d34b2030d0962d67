// Catch2 entry point shared by the native and the WASM test binaries.
#ifdef __EMSCRIPTEN__
#define CATCH_CONFIG_NO_POSIX_SIGNALS
#endif
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
