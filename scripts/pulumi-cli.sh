#!/usr/bin/env bash
# `make pulumi-cli`: build the Pulumi CLI pinned in cli/go.mod once per machine, print its version.
#   scripts/pulumi-cli.sh          build it if the cache lacks it, then print `pulumi version`
#   scripts/pulumi-cli.sh --path   print where the binary is (or will be); build nothing
# The binary lands in ${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/private-api}/
# pulumi-<version>-<hash of cli/go.mod and go.sum>/pulumi and is reused while the pin is unchanged.
# The tests in tests/cli/ run it (docs/cli.md). It brings no provider plugin: `pulumi preview`
# of this program still needs the AWS provider, which this builds nothing of.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { printf 'error: %s\n' "$*" >&2; exit 2; }

# The version is the one cli/go.mod requires: one source for the pin.
version="$(awk '$1 == "require" && $2 == "github.com/pulumi/pulumi/pkg/v3" { print $3 }' cli/go.mod)"
[[ -n "${version}" ]] || die "cli/go.mod does not require github.com/pulumi/pulumi/pkg/v3 on a 'require' line; restore the pin."
hash="$(cat cli/go.mod cli/go.sum | sha256sum | cut -c1-12)"
dir="${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/private-api}/pulumi-${version}-${hash}"
bin="${dir}/pulumi"

if [[ "${1:-}" == "--path" ]]; then
  echo "${bin}"
  exit 0
fi
[[ $# -eq 0 ]] || die "usage: scripts/pulumi-cli.sh [--path]"

if [[ ! -x "${bin}" ]]; then
  go="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
  [[ -x "${go}" ]] || die "no Go toolchain (looked for GO, go on PATH and /usr/local/go/bin/go); install Go $(awk '$1 == "go" { print $2 }' cli/go.mod) or newer."
  mkdir -p "${dir}"
  # One build at a time per cache directory (CI and a test run may start together).
  exec 9>"${dir}/.lock"
  flock 9
  if [[ ! -x "${bin}" ]]; then
    echo "Building the Pulumi CLI ${version} into ${dir} (once per machine; a few minutes)." >&2
    # -mod=readonly: go.sum is the pin, never rewritten here. The version string is what
    # pulumi's own Makefile sets with -X (sdk/v3/go/common/version.Version).
    (cd cli && GOFLAGS=-mod=readonly nice -n 10 "${go}" build -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}" \
      -o "${bin}.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
    mv "${bin}.tmp" "${bin}"
  fi
fi

# No update check: the pin is the point, and CI has no business calling home. Its own
# PULUMI_HOME, so printing the version leaves no ~/.pulumi behind.
PULUMI_SKIP_UPDATE_CHECK=true PULUMI_HOME="${dir}/home" "${bin}" version
