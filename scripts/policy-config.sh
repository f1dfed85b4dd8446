#!/usr/bin/env bash
# Print the policy pack config a stack is checked, previewed and deployed with: one rule for
# `make check`, `make up` / `make preview` (scripts/up.sh) and CI (tests/delivery keeps the
# workflows' matrices equal to it). policy/config/<stack>.json if the stack has its own (for
# example to raise maxTimeoutMs with allowLongTimeout, or prod.json: strict with
# vpc-link-v1-is-legacy off while prod keeps its V1 links), else strict.json for prod* stacks,
# else default.json.
set -euo pipefail
cd "$(dirname "$0")/.."
stack="${1:?usage: scripts/policy-config.sh STACK}"
if [[ -f "policy/config/${stack}.json" ]]; then
  echo "policy/config/${stack}.json"
elif [[ "${stack}" == prod* ]]; then
  echo "policy/config/strict.json"
else
  echo "policy/config/default.json"
fi
