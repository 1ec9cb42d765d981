#!/usr/bin/env bash
# npm run device:pack — bundle the bench CLI and this machine's node for a GPU machine without Node.
#
#   .device/bench.mjs  src/cli/bench.ts and its dependencies in one ESM file (esbuild)
#   .device/node.xz    the node binary, xz-compressed (rebuilt only when node changed)
#
# On the GPU machine, from the repository root (bench resolves every path from the current directory):
#   xz -dc .device/node.xz > /tmp/node && chmod +x /tmp/node && /tmp/node .device/bench.mjs [bench args]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .device

# 1. The bundle. The banner gives bundled CommonJS dependencies a working require().
npx --no-install esbuild src/cli/bench.ts \
  --bundle --platform=node --format=esm --target=node20 \
  --outfile=.device/bench.mjs --log-level=warning \
  --banner:js="import { createRequire as __gkCreateRequire } from 'node:module'; const require = __gkCreateRequire(import.meta.url);"
echo "wrote .device/bench.mjs ($(wc -c < .device/bench.mjs) bytes)"

# 2. The node binary (the real file, not a wrapper or symlink).
node_bin="$(command -v node || true)"
if [[ -z "$node_bin" ]]; then echo "pack-device: node not found on PATH" >&2; exit 1; fi
node_real="$(readlink -f "$node_bin")"
if ! head -c 4 "$node_real" | grep -q 'ELF'; then
  # A wrapper script (nvm shims, ...): ask node where its executable is.
  node_real="$(node -p 'process.execPath')"
fi
stamp="$(node -p 'process.version + " " + process.platform + "-" + process.arch') $node_real $(stat -c '%s %Y' "$node_real")"
if [[ -f .device/node.xz && -f .device/node.stamp && "$(cat .device/node.stamp)" == "$stamp" && .device/node.xz -nt "$node_real" ]]; then
  echo ".device/node.xz is up to date ($stamp)"
else
  echo "compressing $node_real → .device/node.xz …"
  xz -T0 -c "$node_real" > .device/node.xz.tmp
  mv .device/node.xz.tmp .device/node.xz
  printf '%s\n' "$stamp" > .device/node.stamp
  echo "wrote .device/node.xz ($(wc -c < .device/node.xz) bytes)"
fi
echo "on the GPU machine: xz -dc .device/node.xz > /tmp/node && chmod +x /tmp/node && /tmp/node .device/bench.mjs"
