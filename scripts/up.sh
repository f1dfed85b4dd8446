#!/usr/bin/env bash
# Deploy (or preview) one stack: `make up STACK=dev`, `make preview STACK=prod`.
# Picks the backend (the one you are logged in to, PULUMI_BACKEND_URL, or the local file backend),
# selects or creates the stack, and runs `pulumi up` (or `pulumi preview`) with the policy pack.
# `--yes` (for scripts/demo.sh) skips `pulumi up`'s confirmation.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

mode=up
yes=()
while [[ "${1:-}" == --* ]]; do
  case "$1" in
    --preview) mode=preview ;;
    --yes) yes=(--yes) ;;
    *) die "unknown option $1; usage: scripts/up.sh [--preview] [--yes] STACK" ;;
  esac
  shift
done
stack="${1:?usage: scripts/up.sh [--preview] [--yes] STACK}"

[[ -f "Pulumi.${stack}.yaml" ]] ||
  die "there is no Pulumi.${stack}.yaml; stacks here: $(ls Pulumi.*.yaml | sed -n 's/^Pulumi\.\(.*\)\.yaml$/\1/p' | grep -vx '' | tr '\n' ' ')"
# The shipped stack files name AWS's documentation account (123456789012): deploying one can only
# fail, so say which key to set, and how, before anything else (tools/placeholders.py).
"${VENV:-venv}/bin/python" -m tools.placeholders "${stack}" || exit 1
require_pulumi
require_aws_credentials
ensure_backend_login

pulumi stack select --create "${stack}"
# The same pack config as `make check` and CI (scripts/policy-config.sh).
policy_args=(--policy-pack policy --policy-pack-config "$(scripts/policy-config.sh "${stack}")")

if [[ "${mode}" == preview ]]; then
  pulumi preview --stack "${stack}" --diff "${policy_args[@]}"
else
  pulumi up --stack "${stack}" "${yes[@]}" "${policy_args[@]}"
fi
