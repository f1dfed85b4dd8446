#!/usr/bin/env bash
# `make pulumi-cli`: build the Pulumi CLI pinned in cli/go.mod, and the language hosts
# `pulumi package gen-sdk` needs, once per machine; print the CLI's version.
#   scripts/pulumi-cli.sh          build them if the cache lacks them, then print `pulumi version`
#   scripts/pulumi-cli.sh --path   print where the CLI is (or will be); build nothing
# Everything lands in one directory, ${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/private-api}/
# pulumi-<version>-<hash of cli/go.mod, go.sum, langhost/main.go and this script>/, reused while
# those are unchanged: `pulumi`, pulumi-language-nodejs and pulumi-language-go (cli/langhost, codegen only:
# the CLI finds language plugins beside its own binary, or on PATH), and the same host as
# codegen-python/pulumi-language-python, out of the CLI's sight unless that directory is put on
# PATH (the gen-sdk tests do): a Python host beside the CLI would be started for this project's
# own Python program. The tests in tests/cli/ run them (docs/cli.md). No provider plugin:
# `pulumi preview` of this program still needs the AWS provider, which this builds nothing of,
# and the hosts cannot run a program.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { printf 'error: %s\n' "$*" >&2; exit 2; }

# The version is the one cli/go.mod requires: one source for the pin.
# A require line, alone or in a block (replace lines name "=>"; none replaces pkg/v3).
version="$(awk '!/=>/ { for (i = 1; i < NF; i++) if ($i == "github.com/pulumi/pulumi/pkg/v3") { print $(i + 1); exit } }' cli/go.mod)"
[[ -n "${version}" ]] || die "cli/go.mod does not require github.com/pulumi/pulumi/pkg/v3; restore the pin."
# This script too: it decides what the directory holds (the links, codegen-python/), so a directory
# an older script built is never taken for the one this one would build.
hash="$(cat cli/go.mod cli/go.sum cli/langhost/main.go scripts/pulumi-cli.sh | sha256sum | cut -c1-12)"
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
    echo "Building the Pulumi CLI ${version} and its language hosts into ${dir} (once per machine; a few minutes)." >&2
    # -mod=readonly: go.sum is the pin, never rewritten here. The version string is what
    # pulumi's own Makefile sets with -X (sdk/v3/go/common/version.Version); the hosts report it
    # too. One `go build` for both, so the packages they share compile once.
    rm -rf "${dir}/build"
    mkdir "${dir}/build"
    (cd cli && GOFLAGS=-mod=readonly nice -n 10 "${go}" build -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}" \
      -o "${dir}/build/" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ./langhost)
    # One host binary under two names: the name it is started under picks the language.
    for language in nodejs go; do
      ln -f "${dir}/build/langhost" "${dir}/pulumi-language-${language}"
    done
    # Python's link apart: only a caller that puts codegen-python/ on PATH gets it.
    mkdir -p "${dir}/codegen-python"
    ln -f "${dir}/build/langhost" "${dir}/codegen-python/pulumi-language-python"
    rm "${dir}/build/langhost"
    # The CLI last: its presence is what marks the directory complete.
    mv "${dir}/build/pulumi" "${bin}"
    rmdir "${dir}/build"
  fi
fi

# No update check: the pin is the point, and CI has no business calling home. Its own
# PULUMI_HOME, so printing the version leaves no ~/.pulumi behind.
PULUMI_SKIP_UPDATE_CHECK=true PULUMI_HOME="${dir}/home" "${bin}" version
