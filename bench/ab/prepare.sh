#!/usr/bin/env bash
# Snapshots of earlier commits for same-session A/B runs on the GPU machine (which gets the working tree,
# not the git history): bench/scratch/<name> holds that commit's gpuarray/ and bench/. Carry bench/scratch.
#   bash bench/ab/prepare.sh base=76f3f30 head=31fc5fb layers=fab7e2f
set -euo pipefail
cd "$(dirname "$0")/../.."
for spec in "$@"; do
  name=${spec%%=*}; commit=${spec#*=}
  rm -rf "bench/scratch/$name" && mkdir -p "bench/scratch/$name"
  git archive "$commit" gpuarray bench | tar -x -C "bench/scratch/$name"
  echo "bench/scratch/$name <- $(git log -1 --format='%h %s' "$commit")"
done
