# Shared by scripts/up.sh and scripts/demo.sh (sourced, not run): plain checks that say what is
# missing before Pulumi fails slowly.

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

require_pulumi() {
  command -v pulumi >/dev/null 2>&1 ||
    die "the pulumi CLI is not installed; install it (https://www.pulumi.com/docs/install/) and run this again."
}

# The AWS provider uses the standard credential chain.
require_aws_credentials() {
  if command -v aws >/dev/null 2>&1; then
    aws sts get-caller-identity >/dev/null 2>&1 ||
      die "no working AWS credentials (aws sts get-caller-identity failed); run 'aws configure', 'aws sso login', or export AWS_PROFILE."
  elif [[ -z "${AWS_ACCESS_KEY_ID:-}${AWS_PROFILE:-}${AWS_WEB_IDENTITY_TOKEN_FILE:-}${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}" \
        && ! -f "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}" && ! -f "${AWS_CONFIG_FILE:-$HOME/.aws/config}" ]]; then
    die "no AWS credentials found (no AWS_ACCESS_KEY_ID, AWS_PROFILE, or ~/.aws files); configure credentials and run this again."
  fi
}

# Backend: keep the one you are logged in to; otherwise PULUMI_BACKEND_URL; otherwise the local
# file backend in ~/.pulumi (its secrets need PULUMI_CONFIG_PASSPHRASE, or you will be asked).
ensure_backend_login() {
  if ! pulumi whoami >/dev/null 2>&1; then
    if [[ -n "${PULUMI_BACKEND_URL:-}" ]]; then
      pulumi login "${PULUMI_BACKEND_URL}"
    else
      echo "Not logged in to a Pulumi backend: using the local one (pulumi login --local)."
      pulumi login --local
    fi
  fi
}
