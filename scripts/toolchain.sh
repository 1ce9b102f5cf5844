#!/usr/bin/env bash
# Sourced by ./dev and .ci/run. Makes `node` (>= 22.19) and `pnpm` available on PATH without
# touching the system: when the machine's own are too old or missing, a Node 24 and pnpm are
# installed from the npm registry into .toolchain/ (git-ignored) and put first on PATH.
NODE_WANTED=24.21.0
PNPM_WANTED=10.34.9
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
toolchain="$root/.toolchain"

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)'
}

[ -x "$toolchain/bin/node" ] && export PATH="$toolchain/bin:$PATH"
if ! node_ok || ! command -v pnpm >/dev/null 2>&1; then
  command -v npm >/dev/null 2>&1 || { echo "toolchain: npm is needed to bootstrap Node and pnpm" >&2; return 1 2>/dev/null || exit 1; }
  pkgs=()
  node_ok || pkgs+=("node@$NODE_WANTED")
  command -v pnpm >/dev/null 2>&1 || pkgs+=("pnpm@$PNPM_WANTED")
  echo "toolchain: installing ${pkgs[*]} into .toolchain/ (the system's node is left alone)" >&2
  npm install --global --prefix "$toolchain" --no-audit --no-fund --loglevel=error "${pkgs[@]}" >&2 \
    || { echo "toolchain: npm install failed" >&2; return 1 2>/dev/null || exit 1; }
  export PATH="$toolchain/bin:$PATH"
  node_ok || { echo "toolchain: node $(node --version) is still older than 22.19" >&2; return 1 2>/dev/null || exit 1; }
fi
export PNPM_HOME="${PNPM_HOME:-$toolchain/pnpm-home}"
export NPM_CONFIG_UPDATE_NOTIFIER=false
