#!/usr/bin/env bash
# The deploy step of both CI recipes (github-actions.yml, Jenkinsfile): push this build as an
# artifact, apply the manifest with this build's image in it, wait for the rollout, and roll
# back only when the rollout itself failed.
#
#   deploy.sh IMAGE BUILD_DIR MANIFEST TYPE/NAME [CHANGE_CAUSE]
#   deploy.sh web:3f2a91c ./dist deploy/web.yaml deployment/web "build 42 (3f2a91c)"
#
# MANIFEST holds ${IMAGE} where the image goes and ${CHANGE_CAUSE} in the Deployment's
# kubernetes.io/change-cause annotation (see web.yaml beside this file). It is applied with both
# filled in, so a run changes the Deployment once: one revision per run, with its cause in
# `baton rollout history` (applying the file and then `set image` would make two, and roll
# the Deployment back to the file's image for a moment on every run).
#
# Exit codes, for the pipeline to act on:
#   0  rolled out
#   1  the rollout failed (progress deadline, or TIMEOUT ran out) and was rolled back (by this
#      script, or by the Deployment's failure policy)
#   2  the rollout failed and so did the rollback (or there was no earlier revision)
#   3  a step before the rollout failed (push, apply): nothing changed, nothing to roll back
# BATON names the CLI (default: baton on PATH); TIMEOUT how long to wait (default 5m).
set -uo pipefail
if [ $# -lt 4 ]; then
  echo "usage: $0 IMAGE BUILD_DIR MANIFEST TYPE/NAME [CHANGE_CAUSE]" >&2
  exit 3
fi
image=$1 build=$2 manifest=$3 target=$4 cause=${5:-"deploy $1"}
baton=${BATON:-baton}
timeout=${TIMEOUT:-5m}

# Escapes a value for the right-hand side of a sed s||| command.
sed_value() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

rendered=$(mktemp --suffix .yaml) || exit 3
trap 'rm -f "$rendered"' EXIT
sed -e "s|\${IMAGE}|$(sed_value "$image")|g" -e "s|\${CHANGE_CAUSE}|$(sed_value "$cause")|g" "$manifest" >"$rendered" || exit 3

"$baton" push "$image" "$build" || exit 3
# What the update will do, in the job's log; a preview that cannot be made stops nothing.
"$baton" rollout plan -f "$rendered" || echo "deploy.sh: no preview (see above); deploying anyway" >&2
"$baton" apply -f "$rendered" || exit 3

"$baton" rollout status "$target" --timeout "$timeout"
status=$?
[ "$status" -eq 0 ] && exit 0
# 3: the Deployment's failure policy (docs/failure-policy.md) already rolled it back, and the
# earlier revision is back in full; an undo now would return to the failed one.
if [ "$status" -eq 3 ]; then
  echo "deploy.sh: the rollout of $image failed and $target rolled itself back" >&2
  exit 1
fi

echo "deploy.sh: the rollout of $image did not complete; rolling $target back" >&2
"$baton" describe "${target%%/*}" "${target#*/}" >&2 || true
if "$baton" rollout undo "$target" && "$baton" rollout status "$target" --timeout "$timeout"; then
  exit 1
fi
echo "deploy.sh: the rollback of $target did not complete either" >&2
exit 2
