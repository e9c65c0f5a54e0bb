#!/usr/bin/env python3
"""Run every gold SQL in cases.jsonl against a SQLite database and print row counts.

Usage: python3 test/followups/check.py /tmp/fu.db [CASES_FILE]   (default: cases.jsonl next to this file)
Build the database first:
  node bin/otc-copilot.js demo-db --out /tmp/fu.db --trades 10000 --seed 4242 --as-of 2026-11-11    (cases.jsonl)
  node bin/otc-copilot.js demo-db --out /tmp/fu2.db --trades 10000 --seed 777 --as-of 2026-10-19    (cases2.jsonl)
Exit status 1 when a gold SQL fails to run or returns no rows (or only NULL aggregates).
"""
import json
import sqlite3
import sys
from collections import Counter
from pathlib import Path

def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__)
        return 2
    db = sqlite3.connect(sys.argv[1])
    path = Path(sys.argv[2]) if len(sys.argv) == 3 else Path(__file__).parent / "cases.jsonl"
    cases = [json.loads(l) for l in path.read_text().splitlines() if l.strip()]
    kinds = Counter((c["kind"], c["expect"]) for c in cases)
    ok = bad = skipped = 0
    for c in cases:
        sql = c.get("gold_sql")
        if sql is None:
            skipped += 1
            assert c["expect"] == "abstain", c["id"]
            continue
        if c["kind"] == "ambiguity":
            assert c.get("pick") in c["choices"] and len(c["choices"]) >= 2, c["id"]
        try:
            rows = db.execute(sql).fetchall()
        except sqlite3.Error as e:
            print(f"{c['id']}: ERROR {e}")
            bad += 1
            continue
        empty = not rows or all(v is None for v in rows[0]) or (len(rows) == 1 and rows[0] == (0,))
        print(f"{c['id']}: {len(rows)} row(s) first={rows[0] if rows else None}{'  EMPTY' if empty else ''}")
        if empty:
            bad += 1
        else:
            ok += 1
    print(f"cases={len(cases)} " + " ".join(f"{k}/{e}={n}" for (k, e), n in sorted(kinds.items()))
          + f" gold_ran_with_rows={ok} failed_or_empty={bad} abstain_no_sql={skipped}")
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())
