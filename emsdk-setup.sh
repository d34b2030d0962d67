#!/usr/bin/env bash
# Installs everything LineDesk needs to build and test on a fresh Debian 12 machine:
# Debian packages (Emscripten 3.1.6, libraries, Chromium), Dear ImGui 1.86 sources from
# Debian's source package, and npm packages for the browser tests. Idempotent: a second
# run checks, finds everything present, and changes nothing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
deps="$here/build-deps"

packages=(
  build-essential cmake ninja-build pkg-config dpkg-dev
  emscripten
  nlohmann-json3-dev libcpp-httplib-dev catch2
  libsqlite3-dev sqlite3 libsodium-dev libcurl4-openssl-dev libssl-dev
  libpq-dev postgresql
  nginx
  fonts-dejavu-core
  chromium
  nodejs npm
  python3-aiosmtpd
  clang libclang-rt-14-dev
  valgrind
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  # `npm` may be provided by a non-Debian install; accept a working command too.
  if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
  if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
  status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

apt_updated=0
apt_update() {
  if [ "$apt_updated" -eq 0 ]; then
    "${sudo_cmd[@]}" apt-get update -qq
    apt_updated=1
  fi
}

if [ "${#missing[@]}" -gt 0 ]; then
  echo "emsdk-setup: installing Debian packages: ${missing[*]}"
  apt_update
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Dear ImGui 1.86 sources (Debian's libimgui-dev ships no .cpp files): the source package.
imgui_dir="$deps/imgui"
if [ ! -f "$imgui_dir/imgui.cpp" ] || [ ! -f "$imgui_dir/backends/imgui_impl_opengl3.cpp" ]; then
  src_list=/etc/apt/sources.list.d/linedesk-deb-src.sources
  if ! grep -rqsE '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qsE '^deb-src ' /etc/apt/sources.list; then
    # Mirror the existing `deb` entry (same URIs, suite, components, keyring) as deb-src.
    existing=/etc/apt/sources.list.d/debian.sources
    if [ -f "$existing" ]; then
      awk 'BEGIN{RS=""; ORS="\n\n"} /Types: *deb/ && /bookworm( |$|\n)/ && !/security/ {sub(/Types: *deb/, "Types: deb-src"); print; exit}' \
        "$existing" | "${sudo_cmd[@]}" tee "$src_list" >/dev/null
    else
      uri="$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)"
      printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$uri" | "${sudo_cmd[@]}" tee "$src_list" >/dev/null
    fi
    apt_updated=0
  fi
  apt_update
  rm -rf "$deps/imgui-src" && mkdir -p "$deps/imgui-src"
  (cd "$deps/imgui-src" && apt-get source -qq imgui >/dev/null 2>&1 || apt-get source imgui)
  src="$(find "$deps/imgui-src" -maxdepth 2 -name imgui.cpp -printf '%h\n' | head -n 1)"
  [ -n "$src" ] || { echo "emsdk-setup: imgui.cpp not found in the imgui source package" >&2; exit 1; }
  rm -rf "$imgui_dir"
  mkdir -p "$imgui_dir/backends"
  cp "$src"/imgui*.cpp "$src"/imgui*.h "$src"/imconfig.h "$src"/imstb_*.h "$imgui_dir/"
  cp "$src"/backends/imgui_impl_glfw.* "$src"/backends/imgui_impl_opengl3* "$imgui_dir/backends/"
  rm -rf "$deps/imgui-src"
  echo "emsdk-setup: Dear ImGui sources in $imgui_dir"
fi

# An include folder holding only links to header-only libraries for em++ (never
# -I/usr/include there: it would pull in glibc's headers).
em_inc="$deps/em-include"
mkdir -p "$em_inc"
for lib in nlohmann catch2; do
  [ -e "$em_inc/$lib" ] || ln -sfn "/usr/include/$lib" "$em_inc/$lib"
done

# npm packages for the browser tests (playwright-core drives Debian's Chromium).
if [ ! -f "$here/tests/browser/node_modules/playwright-core/package.json" ]; then
  echo "emsdk-setup: installing npm packages for the browser tests"
  (cd "$here/tests/browser" && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "emsdk-setup: all dependencies present"
