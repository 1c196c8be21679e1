#!/usr/bin/env bash
# Fails when dist/ differs from what the sources render (changed, added or removed files).
set -euo pipefail
cd "$(dirname "$0")/.."
CDK8S_CHECK_UPGRADE=false npx cdk8s synth >/dev/null
if [ -n "$(git status --porcelain -- dist)" ]; then
  echo "dist/ is out of date: run 'npx cdk8s synth' and commit the result" >&2
  git status --porcelain -- dist >&2
  git --no-pager diff --stat -- dist >&2
  exit 1
fi
echo "dist/ is up to date"
