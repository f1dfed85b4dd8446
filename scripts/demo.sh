#!/usr/bin/env bash
# `make demo`: try the project end to end in an AWS account that has no NLB yet.
#   scripts/demo.sh up       deploy examples/backend (stack `demo`), then `dev` against its NLB,
#                            then the smoke check through dev's invoke URL
#   scripts/demo.sh destroy  destroy `dev` first (its VPC link holds the NLB), then the backend
#   scripts/demo.sh check    only the prerequisites (the CLI, credentials, a region)
# Both stacks deploy to your AWS environment's region (AWS_REGION, or the profile's). Costs about
# $0.03 an hour while it exists (docs/demo.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

BACKEND_DIR=examples/backend
BACKEND_STACK=demo
STACK=dev

usage() { die "usage: scripts/demo.sh up|destroy|check"; }

require_region() {
  local region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
  if [[ -z "${region}" ]] && command -v aws >/dev/null 2>&1; then
    region="$(aws configure get region 2>/dev/null || true)"
  fi
  [[ -n "${region}" ]] ||
    die "no AWS region: export AWS_REGION (for example export AWS_REGION=us-east-1); both stacks deploy there."
}

demo_up() {
  require_pulumi
  require_aws_credentials
  require_region
  ensure_backend_login

  echo "== 1/3 the backend: VPC, internal NLB, HTTP service (examples/backend, stack ${BACKEND_STACK})"
  pulumi install --cwd "${BACKEND_DIR}"
  pulumi stack select --create "${BACKEND_STACK}" --cwd "${BACKEND_DIR}"
  pulumi up --yes --stack "${BACKEND_STACK}" --cwd "${BACKEND_DIR}"
  # The name a StackReference needs: organization/private-api-backend/demo on the local backend,
  # <your org>/private-api-backend/demo on Pulumi Cloud (with -Q, `stack --show-name` prints the
  # stack reference in full: pulumi/pulumi pkg/cmd/pulumi/stack/stack.go, runStack).
  local reference
  reference="$(pulumi stack --show-name --fully-qualify-stack-names --stack "${BACKEND_STACK}" --cwd "${BACKEND_DIR}")"

  echo "== 2/3 the API: stack ${STACK}, its link on the backend's NLB (backendStack: ${reference})"
  pulumi stack select --create "${STACK}"
  pulumi config set backendStack "${reference}" --stack "${STACK}"
  ./scripts/up.sh --yes "${STACK}"

  echo "== 3/3 the smoke check: GET / through the invoke URL, the VPC link and the NLB"
  # A new link and a booting instance need a few minutes before the target is healthy.
  "${VENV:-venv}/bin/python" -m tools.smoke "${STACK}" --deadline 600 --interval 10
  echo "The demo is up. Remove everything with: make demo-destroy"
}

demo_destroy() {
  require_pulumi
  require_aws_credentials
  ensure_backend_login

  # The VPC link is an endpoint service on the NLB: AWS refuses to delete the NLB while it exists.
  echo "== 1/2 the API: stack ${STACK}"
  if pulumi stack select "${STACK}" >/dev/null 2>&1; then
    pulumi destroy --yes --stack "${STACK}"
    pulumi config rm backendStack --stack "${STACK}" || true
    pulumi stack rm --yes --preserve-config "${STACK}"
  else
    echo "no stack ${STACK}: nothing to destroy"
  fi

  echo "== 2/2 the backend: examples/backend, stack ${BACKEND_STACK}"
  if pulumi stack select "${BACKEND_STACK}" --cwd "${BACKEND_DIR}" >/dev/null 2>&1; then
    pulumi destroy --yes --stack "${BACKEND_STACK}" --cwd "${BACKEND_DIR}"
    pulumi stack rm --yes --preserve-config "${BACKEND_STACK}" --cwd "${BACKEND_DIR}"
  else
    echo "no stack ${BACKEND_STACK} in ${BACKEND_DIR}: nothing to destroy"
  fi
  echo "The demo is gone: both stacks destroyed and removed."
}

# What `make demo` checks before it builds the virtual environments.
demo_check() {
  require_pulumi
  require_aws_credentials
  require_region
}

case "${1:-}" in
  check) demo_check ;;
  up) demo_up ;;
  destroy) demo_destroy ;;
  *) usage ;;
esac
