#!/usr/bin/env bash
# Held-out NL->SQL benchmark: builds a demo database the engine was never
# developed on (seed 7, as of 2026-06-17), answers test/heldout/questions.jsonl
# with the semantic engine, and scores it with the shared execution-accuracy
# scorer. Usage: scripts/bench-heldout.sh [--no-build]
# Env: OTC_HELDOUT_MODEL (default profiles/otc-ops),
#      OTC_SCORER (default /work/shared/benchmark/score.py).
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL="${OTC_HELDOUT_MODEL:-profiles/otc-ops}"
SCORER="${OTC_SCORER:-$( [ -f ../shared/benchmark/score.py ] && echo ../shared/benchmark/score.py || echo /work/shared/benchmark/score.py )}"
QUESTIONS="test/heldout/questions.jsonl"
TODAY="2026-06-17"

if [ "${1:-}" != "--no-build" ]; then
  # A type error elsewhere in the tree must not hide the benchmark: tsc still emits.
  npm run build >/dev/null 2>&1 || echo "bench-heldout: build reported errors, using emitted dist/" >&2
fi
if [ ! -f "$SCORER" ]; then
  echo "bench-heldout: scorer not found at $SCORER (set OTC_SCORER)" >&2
  exit 2
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/otc-heldout.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

node bin/otc-copilot.js demo-db --out "$WORK/heldout.db" --trades 20000 --seed 7 --as-of "$TODAY" >/dev/null 2>&1
node bin/otc-copilot.js eval --db "sqlite:$WORK/heldout.db" --model "$MODEL" \
  --questions "$QUESTIONS" --today "$TODAY" --out "$WORK/pred.jsonl"
python3 "$SCORER" "$QUESTIONS" "$WORK/heldout.db" "$WORK/pred.jsonl"
if [ -n "${OTC_HELDOUT_KEEP:-}" ]; then
  cp "$WORK/pred.jsonl" "$OTC_HELDOUT_KEEP"
  echo "predictions kept in $OTC_HELDOUT_KEEP"
fi
