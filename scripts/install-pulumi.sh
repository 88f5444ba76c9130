#!/usr/bin/env bash
# Installs a pinned Pulumi CLI, the Python language host and the two helper scripts
# into a per-user cache keyed by version, building them from the Go module proxy when
# no download site is reachable. Prints the bin directory to put on PATH.
#
#   scripts/install-pulumi.sh          # prints e.g. /root/.cache/pulumi-scpvs/pulumi-v3.274.1/bin
#
# Reuses a `pulumi` already on PATH when it is the pinned version and the language
# host sits beside it; otherwise reuses the cache; otherwise builds (several minutes
# cold on two cores; the Go module and build caches make later builds fast).
set -euo pipefail

PULUMI_VERSION="${PULUMI_VERSION:-3.274.1}"
# The Python language host has had no version tags since it became its own module;
# before v3.80 it was a package inside sdk/v3. The proxy serves neither the new module
# at this release's commit nor a newer one, so we build the last in-sdk host. Its gRPC
# protocol is the same LanguageRuntime service; the CLI falls back on methods it lacks.
LANGUAGE_HOST_SDK_VERSION="${LANGUAGE_HOST_SDK_VERSION:-3.68.0}"
CACHE_ROOT="${PULUMI_SCPVS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-scpvs}"
BIN="$CACHE_ROOT/pulumi-v$PULUMI_VERSION/bin"

log() { echo "install-pulumi: $*" >&2; }

complete() {
  local dir="$1"
  [ -x "$dir/pulumi" ] && [ -x "$dir/pulumi-language-python" ] \
    && [ -x "$dir/pulumi-language-python-exec" ] && [ -x "$dir/pulumi-resource-pulumi-python" ]
}

# The host built from sdk/v3 v3.68.0 takes Pulumi.yaml's `runtime.options.virtualenv` as
# the flags -root and -virtualenv, which today's CLI no longer passes (it sends them over
# gRPC): without them the host ignores the project's venv (`pulumi install`/`new` even
# create it in the project root) and runs the program with whatever python3 is first on
# PATH. So the host is installed as pulumi-language-python-host behind a wrapper that
# reads the option from the project the CLI runs it in and passes the flags.
wrap_language_host() {
  local dir="$1"
  [ -x "$dir/pulumi-language-python-host" ] && return 0
  mv "$dir/pulumi-language-python" "$dir/pulumi-language-python-host"
  cat > "$dir/pulumi-language-python" <<'WRAPPER'
#!/bin/sh
# Passes Pulumi.yaml's runtime.options.virtualenv to the language host as flags (see
# scripts/install-pulumi.sh in pulumi-scpvs); without that option, the host as it is.
host="$(dirname "$0")/pulumi-language-python-host"
root="$(pwd)"
while [ "$root" != "/" ] && [ ! -f "$root/Pulumi.yaml" ] && [ ! -f "$root/Pulumi.yml" ]; do
  root="$(dirname "$root")"
done
project="$root/Pulumi.yaml"
[ -f "$project" ] || project="$root/Pulumi.yml"
venv=""
if [ -f "$project" ]; then
  venv="$(sed -n 's/^[[:space:]]*virtualenv:[[:space:]]*["'\'']\{0,1\}\([^"'\'' #]*\).*$/\1/p' "$project" | head -n 1)"
fi
if [ -n "$venv" ]; then
  exec "$host" -root="$root" -virtualenv="$venv" "$@"
fi
exec "$host" "$@"
WRAPPER
  chmod 0755 "$dir/pulumi-language-python"
}

existing="$(command -v pulumi || true)"
if [ -n "$existing" ] && complete "$(dirname "$existing")" \
   && [ "$("$existing" version 2>/dev/null)" = "v$PULUMI_VERSION" ]; then
  dirname "$existing"
  exit 0
fi
if complete "$BIN"; then
  wrap_language_host "$BIN"
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || { log "Go is required to build the Pulumi CLI (none on PATH)"; exit 1; }
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$BIN.partial"
started=$(date +%s)

log "building pulumi v$PULUMI_VERSION (CLI) in $work/cli"
mkdir -p "$work/cli"
cat > "$work/cli/go.mod" <<MOD
module pulumiscpvs.local/pulumicli

go 1.26

require (
	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD
cat > "$work/cli/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GO
(
  cd "$work/cli"
  go mod tidy >&2
  go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$BIN.partial/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
)

log "building the Python language host (sdk/v3 v$LANGUAGE_HOST_SDK_VERSION)"
mkdir -p "$work/lang"
cat > "$work/lang/go.mod" <<MOD
module pulumiscpvs.local/languagehost

go 1.26

require github.com/pulumi/pulumi/sdk/v3 v$LANGUAGE_HOST_SDK_VERSION
MOD
cat > "$work/lang/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python"
GO
(
  cd "$work/lang"
  go mod tidy >&2
  go build -trimpath -o "$BIN.partial/pulumi-language-python" \
    github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python >&2
)

log "copying helper scripts from sdk/v3 v$PULUMI_VERSION"
sdkdir="$(cd "$work/cli" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
install -m 0755 "$sdkdir/python/cmd/pulumi-language-python-exec" "$BIN.partial/pulumi-language-python-exec"
install -m 0755 "$sdkdir/python/dist/pulumi-resource-pulumi-python" "$BIN.partial/pulumi-resource-pulumi-python"

wrap_language_host "$BIN.partial"
rm -rf "$BIN"
mv "$BIN.partial" "$BIN"
log "installed in $BIN after $(( $(date +%s) - started )) s"
echo "$BIN"
