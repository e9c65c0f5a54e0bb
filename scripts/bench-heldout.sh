#!/usr/bin/env bash
# Held-out NL->SQL benchmarks: builds a demo database the engine was never developed on,
# answers a held-out question set with the semantic engine, and scores it with the shared
# execution-accuracy scorer.
#   scripts/bench-heldout.sh [1|2|3|4|5|legacy|legacy2] [--no-build]
#   set 1: test/heldout/questions.jsonl  (seed 7, 20,000 trades, as of 2026-06-17)
#   set 2: test/heldout2/questions.jsonl (seed 20261, 15,000 trades, as of 2026-09-09; written blind)
#   set 3: test/heldout3/questions.jsonl (seed 31337, 15,000 trades, as of 2026-10-14; compositional, written blind)
#   set 4: test/heldout4/questions.jsonl (seed 4242, 15,000 trades, as of 2026-08-12; written blind)
#   set 5: test/heldout5/questions.jsonl (seed 5151, 15,000 trades, as of 2026-05-20; written blind)
#   set legacy: test/heldout-legacy/questions.jsonl over a copy of the second bank's legacy-dev.db
#     (../shared/legacy-bank, else /work/shared/legacy-bank), model profiles/legacy-bank, as of 2026-11-20;
#     written blind; no demo database is built for it.
#   set legacy2: test/heldout-legacy2/questions.jsonl, the same database and model; written blind
# Env: OTC_HELDOUT_MODEL (default profiles/otc-ops; profiles/legacy-bank for set legacy), OTC_SCORER (default ../shared/benchmark/score.py),
#      OTC_HELDOUT_KEEP=<file> keeps the predictions.
set -euo pipefail
cd "$(dirname "$0")/.."

SET="1"
BUILD=1
for a in "$@"; do
  case "$a" in
    1|2|3|4|5|legacy|legacy2) SET="$a" ;;
    --no-build) BUILD=0 ;;
    *) echo "usage: scripts/bench-heldout.sh [1|2|3|4|5|legacy|legacy2] [--no-build]" >&2; exit 2 ;;
  esac
done
case "$SET" in
  1) QUESTIONS="test/heldout/questions.jsonl"; TODAY="2026-06-17"; SEED=7; TRADES=20000 ;;
  2) QUESTIONS="test/heldout2/questions.jsonl"; TODAY="2026-09-09"; SEED=20261; TRADES=15000 ;;
  3) QUESTIONS="test/heldout3/questions.jsonl"; TODAY="2026-10-14"; SEED=31337; TRADES=15000 ;;
  4) QUESTIONS="test/heldout4/questions.jsonl"; TODAY="2026-08-12"; SEED=4242; TRADES=15000 ;;
  5) QUESTIONS="test/heldout5/questions.jsonl"; TODAY="2026-05-20"; SEED=5151; TRADES=15000 ;;
  legacy) QUESTIONS="test/heldout-legacy/questions.jsonl"; TODAY="2026-11-20"; DEFAULT_MODEL="profiles/legacy-bank" ;;
  legacy2) QUESTIONS="test/heldout-legacy2/questions.jsonl"; TODAY="2026-11-20"; DEFAULT_MODEL="profiles/legacy-bank" ;;
esac
MODEL="${OTC_HELDOUT_MODEL:-${DEFAULT_MODEL:-profiles/otc-ops}}"
SCORER="${OTC_SCORER:-$( [ -f ../shared/benchmark/score.py ] && echo ../shared/benchmark/score.py || echo /work/shared/benchmark/score.py )}"

if [ "$BUILD" = 1 ]; then
  # A type error elsewhere in the tree must not hide the benchmark: tsc still emits.
  npm run build >/dev/null 2>&1 || echo "bench-heldout: build reported errors, using emitted dist/" >&2
fi
if [ ! -f "$SCORER" ]; then
  echo "bench-heldout: scorer not found at $SCORER (set OTC_SCORER)" >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/otc-heldout.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

if [ "$SET" = legacy ] || [ "$SET" = legacy2 ]; then
  LEGACY_DB="$( [ -f ../shared/legacy-bank/legacy-dev.db ] && echo ../shared/legacy-bank/legacy-dev.db || echo /work/shared/legacy-bank/legacy-dev.db )"
  if [ ! -f "$LEGACY_DB" ]; then
    echo "bench-heldout: legacy database not found at $LEGACY_DB" >&2
    exit 1
  fi
  echo "held-out set $SET: $QUESTIONS (a copy of $LEGACY_DB, model $MODEL, as of $TODAY)"
  cp "$LEGACY_DB" "$WORK/heldout.db"
  chmod u+w "$WORK/heldout.db"
else
  echo "held-out set $SET: $QUESTIONS (demo data seed $SEED, $TRADES trades, as of $TODAY)"
  node bin/otc-copilot.js demo-db --out "$WORK/heldout.db" --trades "$TRADES" --seed "$SEED" --as-of "$TODAY" >/dev/null 2>&1
fi
node bin/otc-copilot.js eval --db "sqlite:$WORK/heldout.db" --model "$MODEL" \
  --questions "$QUESTIONS" --today "$TODAY" --out "$WORK/pred.jsonl" >/dev/null
python3 "$SCORER" "$QUESTIONS" "$WORK/heldout.db" "$WORK/pred.jsonl"
if [ -n "${OTC_HELDOUT_KEEP:-}" ]; then
  cp "$WORK/pred.jsonl" "$OTC_HELDOUT_KEEP"
  echo "predictions kept in $OTC_HELDOUT_KEEP"
fi
