#!/usr/bin/env bash
# Installs a real llama.cpp server and a tiny random-weight model for the end-to-end tests.
#
# Debian 12 has no llama.cpp; Debian sid's llama.cpp-tools needs sid's glibc and libstdc++. Rather than touch the
# machine's packages or apt sources, the .debs (and the sid libraries they need) are downloaded with a private apt
# state and unpacked into a private prefix; a wrapper runs llama-server through sid's own dynamic loader.
#
# Usage: src/e2e/setup-llama-server.sh [PREFIX]
#   PREFIX defaults to $HEADROOM_LLAMA_HOME, else ~/.cache/headroom/llama. Afterwards:
#     PREFIX/llama-server   a wrapper that runs the real binary
#     PREFIX/tiny.gguf      a llama-architecture model with random weights (~0.5 MB, for plumbing, not for text)
#     PREFIX/load.gguf      the same, larger (~14 MB): slow enough on a CPU that requests queue under a test's load
# Idempotent: a second run with both in place does nothing but print the version. Downloads ~13 MB the first time.
# Needs: apt-get, dpkg, python3 with numpy (the model writer is python3-gguf from the same download).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
P=${1:-${HEADROOM_LLAMA_HOME:-$HOME/.cache/headroom/llama}}
mkdir -p "$P"
P=$(cd "$P" && pwd)

if [ ! -x "$P/llama-server" ] || ! "$P/llama-server" --version >/dev/null 2>&1; then
    A=$P/apt
    rm -rf "$P/debs" "$P/root"
    mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$P/debs" "$P/root"
    # The machine's own Debian mirror, switched to the sid suite, in a private apt state.
    uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    [ -n "$uri" ] || uri=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
    [ -n "$uri" ] || uri=http://deb.debian.org/debian
    echo "deb $uri sid main" > "$A/sources.list"
    opts=(-o "Dir::Etc::SourceList=$A/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache" -o APT::Sandbox::User=root)
    apt-get "${opts[@]}" update -qq
    (cd "$P/debs" && apt-get "${opts[@]}" download -qq llama.cpp-tools libllama0 libggml0 libc6 libstdc++6 \
        libgcc-s1 libgomp1 libssl3t64 zlib1g libzstd1 python3-gguf)
    for f in "$P"/debs/*.deb; do dpkg -x "$f" "$P/root"; done
    L=$P/root/usr/lib/x86_64-linux-gnu
    # ggml looks for its CPU backends next to the executable, which here is the loader.
    ln -sf "$L"/ggml/backends0/libggml-cpu-*.so "$L"/
    cat > "$P/llama-server" <<EOS
#!/bin/sh
exec $L/ld-linux-x86-64.so.2 --library-path $L:$L/llama $P/root/usr/bin/llama-server "\$@"
EOS
    chmod +x "$P/llama-server"
    rm -rf "$A" "$P/debs"
fi

model() { # NAME DIMS
    if [ ! -s "$P/$1" ]; then
        TINY_DIMS=$2 GGUF_PY="$P/root/usr/lib/python3/dist-packages" python3 "$here/tiny_gguf.py" "$P/$1.part"
        mv "$P/$1.part" "$P/$1"
    fi
}
model tiny.gguf 64,128,2,4,512
model load.gguf 256,768,4,4,1024

"$P/llama-server" --version 2>&1 | head -1
echo "llama-server: $P/llama-server"
echo "models:       $P/tiny.gguf $P/load.gguf"
