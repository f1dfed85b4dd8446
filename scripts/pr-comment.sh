#!/usr/bin/env bash
# Post FILE (the stack check's markdown) on a pull request, or update the comment it posted before:
#   REPOSITORY=owner/name PULL_REQUEST=123 GH_TOKEN=... scripts/pr-comment.sh FILE
# One comment per pull request: the earlier one is found by its first line, the hidden marker
# tools/prplan.py writes (MARKER), among the comments of github-actions[bot] (GITHUB_TOKEN's user),
# so no one else's comment is ever edited. Uses `gh api` (the REST endpoints for issue comments:
# a pull request is an issue); the body is read from the file (`-F body=@FILE`), never the shell.
set -euo pipefail
file="${1:?usage: scripts/pr-comment.sh FILE}"
: "${REPOSITORY:?REPOSITORY (owner/name) is not set}" "${PULL_REQUEST:?PULL_REQUEST is not set}"
marker='<!-- private-api:stackcheck-plan -->'
author="${COMMENT_AUTHOR:-github-actions[bot]}"
if [[ "$(head -n 1 "${file}")" != "${marker}" ]]; then
  echo "error: ${file} does not start with the stack check's marker ${marker}" >&2
  exit 2
fi
if ! [[ "${PULL_REQUEST}" =~ ^[0-9]+$ && "${REPOSITORY}" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]]; then
  echo "error: PULL_REQUEST must be a number and REPOSITORY owner/name" >&2
  exit 2
fi
# GitHub refuses a comment body over 65,536 characters (422 "Body is too long (maximum is 65536
# characters)"); tools/prplan.py keeps its markdown under 60,000, but any FILE is cut here at a line
# end, with a note, rather than failing the job.
limit=65536
chars="$(LC_ALL=C.UTF-8 wc -m < "${file}")"
if (( chars > limit )); then
  body="$(mktemp)"
  trap 'rm -f "${body}"' EXIT
  python3 - "${file}" "${body}" "${limit}" <<'PY'
import sys

source, target, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(source, encoding="utf-8").read()
note = (
    "\n\n**Truncated:** GitHub keeps at most 65,536 characters in a comment; the whole plan is "
    "in the workflow run (its job summary and log).\n"
)
cut = text[: limit - len(note)]
cut = cut[: cut.rfind("\n") + 1] or cut
open(target, "w", encoding="utf-8").write(cut + note)
PY
  echo "warning: ${file} has ${chars} characters, more than GitHub's ${limit}: posting it truncated" >&2
  file="${body}"
fi
# --jq runs on each page; the first match wins.
found="$(gh api --paginate "repos/${REPOSITORY}/issues/${PULL_REQUEST}/comments?per_page=100" \
  --jq ".[] | select(.user.login == \"${author}\" and (.body | startswith(\"${marker}\"))) | .id")"
id="${found%%$'\n'*}"
if [[ -n "${id}" ]]; then
  gh api --method PATCH "repos/${REPOSITORY}/issues/comments/${id}" -F "body=@${file}" >/dev/null
  echo "updated the stack check's comment ${id} on #${PULL_REQUEST}"
else
  gh api --method POST "repos/${REPOSITORY}/issues/${PULL_REQUEST}/comments" -F "body=@${file}" \
    >/dev/null
  echo "posted the stack check's comment on #${PULL_REQUEST}"
fi
