#!/usr/bin/env bash
# Fetches Debian's real NVML library (non-free package libnvidia-ml1) and unpacks it, without installing it,
# into a fixed cache folder. The collectors' tests load it to check the "no driver" path against the real
# library (on a machine without an NVIDIA driver, nvmlInit_v2 answers 9, NVML_ERROR_DRIVER_NOT_LOADED).
#
#   src/e2e/fetch-libnvidia-ml.sh            # unpacks into ~/.cache/headroom/libnvidia-ml1
#   HEADROOM_NVML_CACHE=/some/dir src/e2e/fetch-libnvidia-ml.sh
#
# Idempotent: does nothing when the library is already unpacked. Leaves the machine's apt configuration alone:
# the non-free component is read through a private sources list and a private package index.
set -euo pipefail

cache="${HEADROOM_NVML_CACHE:-$HOME/.cache/headroom/libnvidia-ml1}"
marker="$cache/libnvidia-ml.so.1.path"

if [[ -f "$marker" && -f "$(cat "$marker")" ]]; then
  echo "libnvidia-ml already unpacked: $(cat "$marker")"
  exit 0
fi

. /etc/os-release
suite="${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/deb"

cat >"$work/non-free.sources" <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: $suite
Components: non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES

apt_private=(
  -o "Dir::Etc::SourceList=/dev/null"
  -o "Dir::Etc::SourceParts=$work/parts"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache=$work/cache"
  -o "Debug::NoLocking=1"
  -o "APT::Sandbox::User=$(id -un)"
)
mkdir -p "$work/parts"
cp "$work/non-free.sources" "$work/parts/non-free.sources"

apt-get "${apt_private[@]}" -qq update
(cd "$work/deb" && apt-get "${apt_private[@]}" -qq download libnvidia-ml1)
deb="$(ls "$work"/deb/libnvidia-ml1_*.deb)"

rm -rf "$cache"
mkdir -p "$cache"
dpkg -x "$deb" "$cache"
lib="$(find "$cache" -name 'libnvidia-ml.so.1' \( -type f -o -type l \) | head -1)"
if [[ -z "$lib" ]]; then
  echo "no libnvidia-ml.so.1 inside $(basename "$deb")" >&2
  exit 1
fi
lib="$(readlink -f "$lib")"
echo "$lib" >"$marker"
echo "unpacked $(basename "$deb") → $lib"
