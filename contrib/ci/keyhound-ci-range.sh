#!/usr/bin/env bash
# Prints the `keyhound git --range` argument for the commits this CI run brings in, from the
# variables GitHub Actions and GitLab CI set; explains its choice on stderr.
#   GitHub pull request:  merge-base(pull_request.base.sha or GITHUB_BASE_REF, HEAD)..HEAD
#   GitHub push:          before..after; a new branch (before = 0000...) -> the commits of the
#                         branch that no other ref holds
#   GitLab merge request: CI_MERGE_REQUEST_DIFF_BASE_SHA..HEAD
#   GitLab push:          CI_COMMIT_BEFORE_SHA..CI_COMMIT_SHA, new branch as for GitHub
# A range with no base (a branch sharing no commit with any other ref) prints the head alone:
# keyhound then scans its whole history.
# Needs the history in the clone (actions/checkout fetch-depth: 0, GitLab GIT_DEPTH: 0).
set -euo pipefail

ZERO=0000000000000000000000000000000000000000
say() { echo "keyhound-ci-range: $*" >&2; }
die() { say "error: $*"; exit 2; }

commit_exists() { [ -n "$1" ] && [ "$1" != "$ZERO" ] && git cat-file -e "$1^{commit}" 2>/dev/null; }
need_commit() {
  commit_exists "$1" || die "commit $1 is not in this clone: fetch the whole history (actions/checkout fetch-depth: 0, GitLab GIT_DEPTH: 0)"
}

# The value at a dotted path of the event payload (GITHUB_EVENT_PATH), "" when absent.
event_field() {
  [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -r "$GITHUB_EVENT_PATH" ] || return 0
  if command -v jq >/dev/null 2>&1; then
    jq -r ".$1 // empty" "$GITHUB_EVENT_PATH"
  else
    python3 - "$GITHUB_EVENT_PATH" "$1" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v.get(k) if isinstance(v, dict) else None
print("" if v is None else v)
PY
  fi
}

# A new branch: its commits that no other ref holds. The pushed branch itself (and its
# remote-tracking copy in a CI clone) is not an "other" ref; `branch` names it.
new_branch_range() {
  local head=$1 branch=$2 ref others=() boundary
  head=$(git rev-parse --verify "$head^{commit}")
  while read -r ref; do
    case "$ref" in
      refs/heads/"$branch" | refs/remotes/*/"$branch" | refs/remotes/*/HEAD) [ -n "$branch" ] && continue ;;
    esac
    # Without a branch name, a ref at the head is taken to be the branch itself.
    [ -z "$branch" ] && [ "$(git rev-parse "$ref")" = "$head" ] && continue
    others+=("$ref")
  done < <(git for-each-ref --format='%(refname)' refs/heads refs/remotes refs/tags)
  if [ ${#others[@]} -eq 0 ]; then
    say "new branch and no other ref: the whole history of $head"
    echo "$head"
    return
  fi
  mapfile -t boundary < <(git rev-list --boundary "$head" --not "${others[@]}" | sed -n 's/^-//p')
  if [ ${#boundary[@]} -eq 0 ]; then
    if [ -z "$(git rev-list -n1 "$head" --not "${others[@]}")" ]; then
      say "new branch with no commit of its own (every commit is on another ref): nothing new"
      echo "$head..$head"
    else
      say "new branch sharing no history with other refs: the whole history of $head"
      echo "$head"
    fi
    return
  fi
  # Several boundaries (the branch merged other work): the one that has all the others in its
  # history excludes the most; failing that, their common ancestor, so no new commit is left out
  # (a few old ones may be scanned again).
  local base="" b o
  for b in "${boundary[@]}"; do
    for o in "${boundary[@]}"; do
      git merge-base --is-ancestor "$o" "$b" || continue 2
    done
    base=$b
    break
  done
  [ -n "$base" ] || base=$(git merge-base --octopus "${boundary[@]}")
  say "new branch: the commits after $base that no other ref holds"
  echo "$base..$head"
}

push_range() {
  local before=$1 after=$2 branch=$3
  if [ -z "$before" ] || [ "$before" = "$ZERO" ]; then
    new_branch_range "$after" "$branch"
    return
  fi
  need_commit "$before"
  say "push: $before..$after"
  echo "$before..$after"
}

if [ -n "${GITHUB_ACTIONS:-}" ] || [ -n "${GITHUB_EVENT_NAME:-}" ]; then
  head=${GITHUB_SHA:-HEAD}
  commit_exists "$head" || head=HEAD
  case "${GITHUB_EVENT_NAME:-}" in
    pull_request | pull_request_target)
      base=$(event_field pull_request.base.sha)
      if ! commit_exists "$base" && [ -n "${GITHUB_BASE_REF:-}" ]; then
        for cand in "refs/remotes/origin/$GITHUB_BASE_REF" "refs/heads/$GITHUB_BASE_REF"; do
          if git rev-parse -q --verify "$cand^{commit}" >/dev/null; then base=$(git rev-parse "$cand"); break; fi
        done
      fi
      [ -n "$base" ] || die "pull request without a base (no pull_request.base.sha in GITHUB_EVENT_PATH, no GITHUB_BASE_REF)"
      need_commit "$base"
      # HEAD is GitHub's merge of the pull request into the base: the merge commit and the
      # pull request's own commits are what the base does not hold.
      mb=$(git merge-base "$base" "$head") || die "no common ancestor of $base and $head"
      say "pull request: $mb..$head"
      echo "$mb..$head"
      ;;
    push)
      before=$(event_field before)
      after=$(event_field after)
      commit_exists "$after" || after=$head
      branch=${GITHUB_REF_NAME:-${GITHUB_REF#refs/heads/}}
      push_range "$before" "$after" "$branch"
      ;;
    *)
      say "event ${GITHUB_EVENT_NAME:-?}: the whole history of $head"
      echo "$head"
      ;;
  esac
elif [ -n "${GITLAB_CI:-}" ] || [ -n "${CI_COMMIT_SHA:-}" ]; then
  head=${CI_COMMIT_SHA:-HEAD}
  commit_exists "$head" || head=HEAD
  if [ -n "${CI_MERGE_REQUEST_DIFF_BASE_SHA:-}" ]; then
    need_commit "$CI_MERGE_REQUEST_DIFF_BASE_SHA"
    say "merge request: $CI_MERGE_REQUEST_DIFF_BASE_SHA..$head"
    echo "$CI_MERGE_REQUEST_DIFF_BASE_SHA..$head"
  else
    push_range "${CI_COMMIT_BEFORE_SHA:-}" "$head" "${CI_COMMIT_BRANCH:-${CI_COMMIT_REF_NAME:-}}"
  fi
else
  die "neither GitHub Actions (GITHUB_EVENT_NAME) nor GitLab CI (CI_COMMIT_SHA) variables are set"
fi
