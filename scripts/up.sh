#!/usr/bin/env bash
# Deploy (or preview) one stack: `make up STACK=dev`, `make preview STACK=prod`.
# Picks the backend (the one you are logged in to, PULUMI_BACKEND_URL, or the local file backend),
# selects or creates the stack, and runs `pulumi up` (or `pulumi preview`) with the policy pack.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=up
if [[ "${1:-}" == "--preview" ]]; then mode=preview; shift; fi
stack="${1:?usage: scripts/up.sh [--preview] STACK}"

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

[[ -f "Pulumi.${stack}.yaml" ]] ||
  die "there is no Pulumi.${stack}.yaml; stacks here: $(ls Pulumi.*.yaml | sed -n 's/^Pulumi\.\(.*\)\.yaml$/\1/p' | grep -vx '' | tr '\n' ' ')"
command -v pulumi >/dev/null 2>&1 ||
  die "the pulumi CLI is not installed; install it (https://www.pulumi.com/docs/install/) and run this again."

# The AWS provider uses the standard credential chain; say so plainly before Pulumi fails slowly.
if command -v aws >/dev/null 2>&1; then
  aws sts get-caller-identity >/dev/null 2>&1 ||
    die "no working AWS credentials (aws sts get-caller-identity failed); run 'aws configure', 'aws sso login', or export AWS_PROFILE."
elif [[ -z "${AWS_ACCESS_KEY_ID:-}${AWS_PROFILE:-}${AWS_WEB_IDENTITY_TOKEN_FILE:-}${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}" \
      && ! -f "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}" && ! -f "${AWS_CONFIG_FILE:-$HOME/.aws/config}" ]]; then
  die "no AWS credentials found (no AWS_ACCESS_KEY_ID, AWS_PROFILE, or ~/.aws files); configure credentials and run this again."
fi

# Backend: keep the one you are logged in to; otherwise PULUMI_BACKEND_URL; otherwise the local
# file backend in ~/.pulumi (its secrets need PULUMI_CONFIG_PASSPHRASE, or you will be asked).
if ! pulumi whoami >/dev/null 2>&1; then
  if [[ -n "${PULUMI_BACKEND_URL:-}" ]]; then
    pulumi login "${PULUMI_BACKEND_URL}"
  else
    echo "Not logged in to a Pulumi backend: using the local one (pulumi login --local)."
    pulumi login --local
  fi
fi

pulumi stack select --create "${stack}"
# The same pack config as `make check` and CI (scripts/policy-config.sh).
policy_args=(--policy-pack policy --policy-pack-config "$(scripts/policy-config.sh "${stack}")")

if [[ "${mode}" == preview ]]; then
  pulumi preview --stack "${stack}" --diff "${policy_args[@]}"
else
  pulumi up --stack "${stack}" "${policy_args[@]}"
fi
