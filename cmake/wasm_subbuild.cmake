# Drives the Emscripten build of this same source tree as an external project, so that one
# `cmake --build` produces the native server and the WASM console it serves.
include(ExternalProject)

set(LINEDESK_EM_TOOLCHAIN "/usr/share/emscripten/cmake/Modules/Platform/Emscripten.cmake"
  CACHE FILEPATH "Emscripten CMake toolchain file")
set(LINEDESK_WASM_DIR "${CMAKE_BINARY_DIR}/wasm")
# emcc's -O2 link step needs Debian's node modules (acorn); see TOOLCHAIN.md.
set(_em_env ${CMAKE_COMMAND} -E env NODE_PATH=/usr/share/nodejs)

ExternalProject_Add(linedesk_wasm
  SOURCE_DIR "${CMAKE_SOURCE_DIR}"
  BINARY_DIR "${LINEDESK_WASM_DIR}"
  CMAKE_COMMAND ${_em_env} ${CMAKE_COMMAND}
  CMAKE_ARGS
    -G "${CMAKE_GENERATOR}"
    -DCMAKE_TOOLCHAIN_FILE=${LINEDESK_EM_TOOLCHAIN}
    -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
    -DLINEDESK_WERROR=${LINEDESK_WERROR}
    -DLINEDESK_DEPS_DIR=${LINEDESK_DEPS_DIR}
    -DBUILD_TESTING=ON
  BUILD_COMMAND ${_em_env} ${CMAKE_COMMAND} --build "${LINEDESK_WASM_DIR}"
  INSTALL_COMMAND ""
  BUILD_ALWAYS ON
  USES_TERMINAL_BUILD ON)

# Where the server finds the console by default, and where CTest finds the WASM core tests.
set(LINEDESK_WEB_ROOT "${LINEDESK_WASM_DIR}/web" CACHE INTERNAL "")
set(LINEDESK_WASM_CORE_TESTS "${LINEDESK_WASM_DIR}/tests/linedesk_core_tests.js" CACHE INTERNAL "")
