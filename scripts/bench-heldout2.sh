#!/usr/bin/env bash
# Second held-out NL->SQL benchmark (blind-written questions): builds a demo database
# (seed 20261, 15000 trades, as of 2026-09-09), answers test/heldout2/questions.jsonl
# with the semantic engine, and scores it with the shared execution-accuracy
# scorer. Usage: scripts/bench-heldout2.sh [--no-build]
# Env: OTC_HELDOUT_MODEL (default profiles/otc-ops),
#      OTC_SCORER (default /work/shared/benchmark/score.py).
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL="${OTC_HELDOUT_MODEL:-profiles/otc-ops}"
SCORER="${OTC_SCORER:-$( [ -f ../shared/benchmark/score.py ] && echo ../shared/benchmark/score.py || echo /work/shared/benchmark/score.py )}"
QUESTIONS="test/heldout2/questions.jsonl"
TODAY="2026-09-09"

if [ "${1:-}" != "--no-build" ]; then
  # A type error elsewhere in the tree must not hide the benchmark: tsc still emits.
  npm run build >/dev/null 2>&1 || echo "bench-heldout2: build reported errors, using emitted dist/" >&2
fi
if [ ! -f "$SCORER" ]; then
  echo "bench-heldout2: scorer not found at $SCORER (set OTC_SCORER)" >&2
  exit 2
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/otc-heldout2.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

node bin/otc-copilot.js demo-db --out "$WORK/heldout2.db" --trades 15000 --seed 20261 --as-of "$TODAY" >/dev/null 2>&1
node bin/otc-copilot.js eval --db "sqlite:$WORK/heldout2.db" --model "$MODEL" \
  --questions "$QUESTIONS" --today "$TODAY" --out "$WORK/pred.jsonl"
python3 "$SCORER" "$QUESTIONS" "$WORK/heldout2.db" "$WORK/pred.jsonl"
if [ -n "${OTC_HELDOUT2_KEEP:-}" ]; then
  cp "$WORK/pred.jsonl" "$OTC_HELDOUT2_KEEP"
  echo "predictions kept in $OTC_HELDOUT2_KEEP"
fi
