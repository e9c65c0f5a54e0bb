#!/usr/bin/env python3
"""Writes test/heldout3/questions.jsonl: blind compositional held-out questions (issue 10, item 7).

Written from ../shared/ops-schema/otc_ops.sql and BUSINESS_RULES.md only, over the demo database
`demo-db --trades 15000 --seed 31337 --as-of 2026-10-14` (today = Wednesday 2026-10-14), without
reading the engine's code or tests. Gold SQL is SQLite.

Each question carries a "kind" (the compositional kind of issue 10, item 1) for the analysis; the
scorer and the engine ignore it.

Conventions where a question has a label column the engine may spell differently (period names,
bucket names): the gold selects only the figures, one row per period or bucket, so a prediction
with any label column plus the same figures matches (the scorer accepts extra predicted columns).

usage: python3 test/heldout3/make_questions.py [check DB]
"""
import json, os, sqlite3, sys

TODAY = "2026-10-14"          # Wednesday
YDAY = "2026-10-13"
TW = ("2026-10-12", TODAY)    # this week: Monday to today
LW = ("2026-10-05", "2026-10-11")
NW = ("2026-10-19", "2026-10-25")
TM = ("2026-10-01", TODAY)
LM = ("2026-09-01", "2026-09-30")
YTD = ("2026-01-01", TODAY)
L7 = ("2026-10-08", TODAY)
L14 = ("2026-10-01", TODAY)
L30 = ("2026-09-15", TODAY)
L60 = ("2026-08-16", TODAY)
N7 = ("2026-10-15", "2026-10-21")
N30 = ("2026-10-15", "2026-11-13")


def btw(col, p):
    return f"{col} BETWEEN '{p[0]}' AND '{p[1]}'"


OPEN_EXC = "('Open','In Progress','Escalated')"
OPEN_CONF = "('Pending','Unmatched','Disputed')"
FAILRATE = ("100.0 * SUM(CASE WHEN {s}status = 'Failed' THEN 1 ELSE 0 END) / "
            "SUM(CASE WHEN {s}status IN ('Settled','Failed') THEN 1 ELSE 0 END)")
MATCHRATE = "100.0 * SUM(CASE WHEN {c}status = 'Matched' THEN 1 ELSE 0 END) / COUNT(*)"
WEEK = "date({col}, 'weekday 0', '-6 days')"   # Monday of the date's week
MONTH = "strftime('%Y-%m', {col})"
AGE = f"(julianday('{TODAY}') - julianday({{col}}))"


def fr(alias=""):
    return FAILRATE.format(s=alias + "." if alias else "")


def mr(alias=""):
    return MATCHRATE.format(c=alias + "." if alias else "")


Q = []


def q(kind, question, sql, alt=None):
    Q.append({"kind": kind, "question": question, "gold_sql": " ".join(sql.split()) if sql else None,
              "alt": [" ".join(a.split()) for a in alt] if alt else None})


# ---------------------------------------------------------------- several measures in one answer
K = "multi-measure"
q(K, "How many trades did we book last week and what was their total notional?",
  f"SELECT COUNT(*), SUM(notional_usd) FROM trades WHERE {btw('trade_date', LW)} AND status <> 'Cancelled'")
q(K, "count and total amount of failed settlements this month",
  f"SELECT COUNT(*), SUM(amount_usd) FROM settlements WHERE status = 'Failed' AND {btw('value_date', TM)}")
q(K, "number of open exceptions and money at stake by owner team",
  f"SELECT owner_team, COUNT(*), SUM(amount_usd) FROM exceptions WHERE status IN {OPEN_EXC} GROUP BY owner_team")
q(K, "For each desk: number of live trades, total notional and average notional",
  "SELECT b.desk, COUNT(*), SUM(t.notional_usd), AVG(t.notional_usd) FROM trades t JOIN books b ON b.book_id = t.book_id "
  "WHERE t.status = 'Live' GROUP BY b.desk")
q(K, "margin calls received this month - how many, total called and total agreed?",
  f"SELECT COUNT(*), SUM(call_amount_usd), SUM(agreed_amount_usd) FROM margin_calls WHERE direction = 'Received' AND {btw('call_date', TM)}")
q(K, "USD netting breaks per counterparty: number of breaks and total break amount",
  "SELECT c.short_name, COUNT(*), SUM(n.break_amount) FROM payment_netting n JOIN counterparties c ON c.counterparty_id = n.counterparty_id "
  "WHERE n.status = 'Mismatch' AND n.currency = 'USD' GROUP BY c.short_name")
q(K, "min, max and avg notional of live CDS",
  "SELECT MIN(notional_usd), MAX(notional_usd), AVG(notional_usd) FROM trades WHERE status = 'Live' AND product_type IN ('CDS Single Name','CDS Index')")
q(K, "how many payments are due next week and how much is that in USD, by settlement method",
  f"SELECT method, COUNT(*), SUM(amount_usd) FROM settlements WHERE direction = 'Pay' AND status <> 'Cancelled' AND {btw('value_date', NW)} GROUP BY method")
q(K, "open confirmations per platform with the count and average number of chasers",
  f"SELECT platform, COUNT(*), AVG(chaser_count) FROM confirmations WHERE status IN {OPEN_CONF} GROUP BY platform")
q(K, "trades booked ytd by region: number of trades, total notional and number of distinct counterparties",
  f"SELECT b.region, COUNT(*), SUM(t.notional_usd), COUNT(DISTINCT t.counterparty_id) FROM trades t JOIN books b ON b.book_id = t.book_id "
  f"WHERE {btw('t.trade_date', YTD)} AND t.status <> 'Cancelled' GROUP BY b.region")
q(K, "live cleared trades per CCP, count and notional",
  "SELECT ccp, COUNT(*), SUM(notional_usd) FROM trades WHERE status = 'Live' AND is_cleared = 1 GROUP BY ccp")
q(K, "what did we setlle yesterday by cashflow type - number of settlements and USD amount",
  f"SELECT cashflow_type, COUNT(*), SUM(amount_usd) FROM settlements WHERE status = 'Settled' AND settled_date = '{YDAY}' GROUP BY cashflow_type")
q(K, "exceptions raised this month: how many in total, how many still open, and total money at stake",
  f"SELECT COUNT(*), SUM(CASE WHEN status IN {OPEN_EXC} THEN 1 ELSE 0 END), SUM(amount_usd) FROM exceptions WHERE {btw('raised_date', TM)}")

# ---------------------------------------------------------------- ratios with their own numerator/denominator
K = "ratio"
q(K, "what was the fail rate last month?",
  f"SELECT {fr()} FROM settlements WHERE {btw('value_date', LM)}")
q(K, "whats our match rate this month",
  f"SELECT {mr()} FROM confirmations WHERE status <> 'Cancelled' AND {btw('sent_date', TM)}")
q(K, "fail rate by counterparty sector over the last 30 days",
  f"SELECT c.sector, {fr('s')} FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id "
  f"WHERE {btw('s.value_date', L30)} GROUP BY c.sector")
q(K, "match rate per confirmation platform this year",
  f"SELECT platform, {mr()} FROM confirmations WHERE status <> 'Cancelled' AND {btw('sent_date', YTD)} GROUP BY platform")
q(K, "fail rate by settlement method for last month",
  f"SELECT method, {fr()} FROM settlements WHERE {btw('value_date', LM)} GROUP BY method")
q(K, "What percentage of our live trades are cleared?",
  "SELECT 100.0 * SUM(CASE WHEN is_cleared = 1 THEN 1 ELSE 0 END) / COUNT(*) FROM trades WHERE status = 'Live'")
q(K, "what % of this year's failed settlements were caused by SSI problems",
  f"SELECT 100.0 * SUM(CASE WHEN fail_reason IN ('Missing SSI','Incorrect SSI') THEN 1 ELSE 0 END) / COUNT(*) FROM settlements "
  f"WHERE status = 'Failed' AND {btw('value_date', YTD)}")
q(K, "fail rate for payments and for receipts this year",
  f"SELECT direction, {fr()} FROM settlements WHERE {btw('value_date', YTD)} GROUP BY direction")
q(K, "match rate by desk last month",
  f"SELECT b.desk, {mr('c')} FROM confirmations c JOIN trades t ON t.trade_id = c.trade_id JOIN books b ON b.book_id = t.book_id "
  f"WHERE c.status <> 'Cancelled' AND {btw('c.sent_date', LM)} GROUP BY b.desk")
q(K, "what share of the margin calls we issued this year ended up disputed?",
  f"SELECT 100.0 * SUM(CASE WHEN status = 'Disputed' THEN 1 ELSE 0 END) / COUNT(*) FROM margin_calls WHERE direction = 'Issued' AND {btw('call_date', YTD)}")
q(K, "% of exceptions raised this year that are resolved",
  f"SELECT 100.0 * SUM(CASE WHEN status = 'Resolved' THEN 1 ELSE 0 END) / COUNT(*) FROM exceptions WHERE {btw('raised_date', YTD)}")
q(K, "EUR fail rate last month",
  f"SELECT {fr()} FROM settlements WHERE currency = 'EUR' AND {btw('value_date', LM)}")
q(K, "fail rate for Hedge Fund counterparties year to date",
  f"SELECT {fr('s')} FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id "
  f"WHERE c.sector = 'Hedge Fund' AND {btw('s.value_date', YTD)}")

# ---------------------------------------------------------------- dimensions with time buckets
K = "time-bucket"
q(K, "weekly number of trades booked since 1 Sept",
  f"SELECT {WEEK.format(col='trade_date')} AS wk, COUNT(*) FROM trades WHERE {btw('trade_date', ('2026-09-01', TODAY))} AND status <> 'Cancelled' GROUP BY wk")
q(K, "failed settlements per month this year",
  f"SELECT {MONTH.format(col='value_date')} AS m, COUNT(*) FROM settlements WHERE status = 'Failed' AND {btw('value_date', YTD)} GROUP BY m")
q(K, "exceptions raised by month and severity in 2026",
  f"SELECT {MONTH.format(col='raised_date')} AS m, severity, COUNT(*) FROM exceptions WHERE {btw('raised_date', ('2026-01-01', '2026-12-31'))} GROUP BY m, severity")
q(K, "monthly notional booked on the G10 Rates desk this year",
  f"SELECT {MONTH.format(col='t.trade_date')} AS m, SUM(t.notional_usd) FROM trades t JOIN books b ON b.book_id = t.book_id "
  f"WHERE b.desk = 'G10 Rates' AND t.status <> 'Cancelled' AND {btw('t.trade_date', YTD)} GROUP BY m")
q(K, "fail rate week by week since the start of last month",
  f"SELECT {WEEK.format(col='value_date')} AS wk, {fr()} FROM settlements WHERE {btw('value_date', ('2026-09-01', TODAY))} GROUP BY wk")
q(K, "confirmations matched per day this week",
  f"SELECT matched_date, COUNT(*) FROM confirmations WHERE status = 'Matched' AND {btw('matched_date', TW)} GROUP BY matched_date")
q(K, "margin calls received by month since April, with count and total amount called",
  f"SELECT {MONTH.format(col='call_date')} AS m, COUNT(*), SUM(call_amount_usd) FROM margin_calls WHERE direction = 'Received' "
  f"AND {btw('call_date', ('2026-04-01', TODAY))} GROUP BY m")
q(K, "month-by-month match rate this year",
  f"SELECT {MONTH.format(col='sent_date')} AS m, {mr()} FROM confirmations WHERE status <> 'Cancelled' AND {btw('sent_date', YTD)} GROUP BY m")
q(K, "how many exceptions got resolved each week over the past 30 days",
  f"SELECT {WEEK.format(col='resolved_date')} AS wk, COUNT(*) FROM exceptions WHERE status = 'Resolved' AND {btw('resolved_date', L30)} GROUP BY wk")
q(K, "payments due per day over the next 7 days, total in USD",
  f"SELECT value_date, SUM(amount_usd) FROM settlements WHERE direction = 'Pay' AND status <> 'Cancelled' AND {btw('value_date', N7)} GROUP BY value_date")
q(K, "trades booked per month on the Credit Trading desk in 2025",
  f"SELECT {MONTH.format(col='t.trade_date')} AS m, COUNT(*) FROM trades t JOIN books b ON b.book_id = t.book_id "
  "WHERE b.desk = 'Credit Trading' AND t.status <> 'Cancelled' AND t.trade_date BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY m")
q(K, "daily fail rate for the last 7 days",
  f"SELECT value_date, {fr()} FROM settlements WHERE {btw('value_date', L7)} GROUP BY value_date")
q(K, "weekly count of netting breaks by value date, last 30 days",
  f"SELECT {WEEK.format(col='value_date')} AS wk, COUNT(*) FROM payment_netting WHERE status = 'Mismatch' AND {btw('value_date', L30)} GROUP BY wk")

# ---------------------------------------------------------------- value, range and relative-date filters combined
K = "filters"
q(K, "how many live interest rate swaps in USD with notional between 50m and 200m were traded this year?",
  f"SELECT COUNT(*) FROM trades WHERE status = 'Live' AND product_type = 'Interest Rate Swap' AND currency = 'USD' "
  f"AND notional BETWEEN 50000000 AND 200000000 AND {btw('trade_date', YTD)}")
q(K, "number of failed settlements over $1m in the last 14 days",
  f"SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND amount_usd > 1000000 AND {btw('value_date', L14)}")
q(K, "how many large bilateral trades did we book with hedge funds last month",
  f"SELECT COUNT(*) FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.notional_usd >= 100000000 "
  f"AND t.is_cleared = 0 AND c.sector = 'Hedge Fund' AND t.status <> 'Cancelled' AND {btw('t.trade_date', LM)}")
q(K, "pending EUR settlements above 5m due in the next 7 days - how many?",
  f"SELECT COUNT(*) FROM settlements WHERE status = 'Pending' AND currency = 'EUR' AND amount > 5000000 AND {btw('value_date', N7)}")
q(K, "count of critical or high exceptions raised in the last 60 days that are still open with more than 250k at stake",
  f"SELECT COUNT(*) FROM exceptions WHERE severity IN ('Critical','High') AND status IN {OPEN_EXC} AND amount_usd > 250000 AND {btw('raised_date', L60)}")
q(K, "swaptions traded since 1 July with a fixed rate between 3% and 4%, how many",
  f"SELECT COUNT(*) FROM trades WHERE product_type = 'Swaption' AND status <> 'Cancelled' AND fixed_rate BETWEEN 3 AND 4 AND {btw('trade_date', ('2026-07-01', TODAY))}")
q(K, "how many GBP payments with value date last month settled late",
  f"SELECT COUNT(*) FROM settlements WHERE currency = 'GBP' AND direction = 'Pay' AND status = 'Settled' AND settled_date > value_date AND {btw('value_date', LM)}")
q(K, "received margin calls over 10m that are disputed, this year",
  f"SELECT COUNT(*) FROM margin_calls WHERE direction = 'Received' AND call_amount_usd > 10000000 AND status = 'Disputed' AND {btw('call_date', YTD)}")
q(K, "live trades maturing in the next 30 days with notional above 25m - count and total notional",
  f"SELECT COUNT(*), SUM(notional_usd) FROM trades WHERE status = 'Live' AND notional_usd > 25000000 AND {btw('maturity_date', N30)}")
q(K, "how many live FX forwards in JPY mature after the end of 2026",
  "SELECT COUNT(*) FROM trades WHERE status = 'Live' AND product_type = 'FX Forward' AND currency = 'JPY' AND maturity_date > '2026-12-31'")
q(K, "unmatched or disputed confirms on DTCC sent more than 10 days ago",
  "SELECT COUNT(*) FROM confirmations WHERE status IN ('Unmatched','Disputed') AND platform = 'DTCC' AND sent_date < '2026-10-04'")
q(K, "total USD amount of settlements due tomorrow excluding netted ones",
  "SELECT SUM(amount_usd) FROM settlements WHERE value_date = '2026-10-15' AND status <> 'Cancelled' AND method <> 'Netted'")
q(K, "live trades with AA or AAA rated counterparties booked in the last 60 days on Electronic or SEF, count?",
  f"SELECT COUNT(*) FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' "
  f"AND c.credit_rating IN ('AA','AAA') AND t.execution_venue IN ('Electronic','SEF') AND {btw('t.trade_date', L60)}")

# ---------------------------------------------------------------- conditions on a measure per group (HAVING)
K = "having"
q(K, "desks whose fail rate last month was above 1%",
  f"SELECT b.desk FROM settlements s JOIN trades t ON t.trade_id = s.trade_id JOIN books b ON b.book_id = t.book_id "
  f"WHERE {btw('s.value_date', LM)} GROUP BY b.desk HAVING {fr('s')} > 1")
q(K, "counterparites with more than 5 failed settlements this year",
  f"SELECT c.short_name FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id "
  f"WHERE s.status = 'Failed' AND {btw('s.value_date', YTD)} GROUP BY c.short_name HAVING COUNT(*) > 5")
q(K, "which books have over 1bn of live notional",
  "SELECT b.book_code FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.status = 'Live' GROUP BY b.book_code HAVING SUM(t.notional_usd) > 1000000000")
q(K, "ops teams sitting on more than 10 open exceptions",
  f"SELECT owner_team FROM exceptions WHERE status IN {OPEN_EXC} GROUP BY owner_team HAVING COUNT(*) > 10")
q(K, "counterparties whose match rate this year is below 99%",
  f"SELECT c.short_name FROM confirmations cf JOIN trades t ON t.trade_id = cf.trade_id JOIN counterparties c ON c.counterparty_id = t.counterparty_id "
  f"WHERE cf.status <> 'Cancelled' AND {btw('cf.sent_date', YTD)} GROUP BY c.short_name HAVING {mr('cf')} < 99")
q(K, "traders who booked at least 20 trades last month",
  f"SELECT trader FROM trades WHERE status <> 'Cancelled' AND {btw('trade_date', LM)} GROUP BY trader HAVING COUNT(*) >= 20")
q(K, "countries where our live notional is more than 5bn",
  "SELECT c.country FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' "
  "GROUP BY c.country HAVING SUM(t.notional_usd) > 5000000000")
q(K, "counterparties where more than 2% of the margin calls this year were disputed",
  f"SELECT c.short_name FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE {btw('m.call_date', YTD)} "
  "GROUP BY c.short_name HAVING 100.0 * SUM(CASE WHEN m.status = 'Disputed' THEN 1 ELSE 0 END) / COUNT(*) > 2")
q(K, "sectors accounting for more than 15% of this year's failed settlements",
  f"SELECT c.sector FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE s.status = 'Failed' AND {btw('s.value_date', YTD)} "
  f"GROUP BY c.sector HAVING 100.0 * COUNT(*) / (SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND {btw('value_date', YTD)}) > 15")
q(K, "platforms where the average time to match this year was over 1.5 days",
  f"SELECT platform FROM confirmations WHERE status = 'Matched' AND {btw('matched_date', YTD)} GROUP BY platform "
  "HAVING AVG(julianday(matched_date) - julianday(sent_date)) > 1.5")
q(K, "counterparties with more than 2 netting breaks",
  "SELECT c.short_name FROM payment_netting n JOIN counterparties c ON c.counterparty_id = n.counterparty_id WHERE n.status = 'Mismatch' "
  "GROUP BY c.short_name HAVING COUNT(*) > 2")
q(K, "currencies where pending settlements due in the next 7 days add up to more than 100m USD",
  f"SELECT currency FROM settlements WHERE status = 'Pending' AND {btw('value_date', N7)} GROUP BY currency HAVING SUM(amount_usd) > 100000000")
q(K, "product types whose average live notional is above 50m",
  "SELECT product_type FROM trades WHERE status = 'Live' GROUP BY product_type HAVING AVG(notional_usd) > 50000000")

# ---------------------------------------------------------------- two periods compared (rows or columns)
K = "periods"
q(K, "trades booked this week vs last week",
  f"SELECT COUNT(*) FROM trades WHERE status <> 'Cancelled' AND {btw('trade_date', (LW[0], TODAY))} "
  f"GROUP BY CASE WHEN trade_date >= '{TW[0]}' THEN 1 ELSE 0 END",
  alt=[f"SELECT SUM(CASE WHEN trade_date >= '{TW[0]}' THEN 1 ELSE 0 END), SUM(CASE WHEN trade_date <= '{LW[1]}' THEN 1 ELSE 0 END) "
       f"FROM trades WHERE status <> 'Cancelled' AND {btw('trade_date', (LW[0], TODAY))}"])
q(K, "number of fails last month compared with this month",
  f"SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND {btw('value_date', (LM[0], TODAY))} "
  f"GROUP BY CASE WHEN value_date >= '{TM[0]}' THEN 1 ELSE 0 END",
  alt=[f"SELECT SUM(CASE WHEN value_date <= '{LM[1]}' THEN 1 ELSE 0 END), SUM(CASE WHEN value_date >= '{TM[0]}' THEN 1 ELSE 0 END) "
       f"FROM settlements WHERE status = 'Failed' AND {btw('value_date', (LM[0], TODAY))}"])
q(K, "exceptions raised vs resolved this month per team",
  f"SELECT owner_team, SUM(CASE WHEN {btw('raised_date', TM)} THEN 1 ELSE 0 END), "
  f"SUM(CASE WHEN status = 'Resolved' AND {btw('resolved_date', TM)} THEN 1 ELSE 0 END) FROM exceptions "
  f"WHERE {btw('raised_date', TM)} OR (status = 'Resolved' AND {btw('resolved_date', TM)}) GROUP BY owner_team")
q(K, "notional booked per desk, this month vs last month",
  f"SELECT b.desk, SUM(CASE WHEN t.trade_date >= '{TM[0]}' THEN t.notional_usd ELSE 0 END), "
  f"SUM(CASE WHEN t.trade_date <= '{LM[1]}' THEN t.notional_usd ELSE 0 END) FROM trades t JOIN books b ON b.book_id = t.book_id "
  f"WHERE t.status <> 'Cancelled' AND {btw('t.trade_date', (LM[0], TODAY))} GROUP BY b.desk",
  alt=[f"SELECT b.desk, SUM(t.notional_usd) FROM trades t JOIN books b ON b.book_id = t.book_id "
       f"WHERE t.status <> 'Cancelled' AND {btw('t.trade_date', (LM[0], TODAY))} GROUP BY b.desk, CASE WHEN t.trade_date >= '{TM[0]}' THEN 1 ELSE 0 END"])
q(K, "payments due this week vs next week in USD",
  f"SELECT SUM(amount_usd) FROM settlements WHERE direction = 'Pay' AND status <> 'Cancelled' "
  f"AND ({btw('value_date', TW)} OR {btw('value_date', NW)}) GROUP BY CASE WHEN value_date >= '{NW[0]}' THEN 1 ELSE 0 END",
  alt=[f"SELECT SUM(CASE WHEN {btw('value_date', TW)} THEN amount_usd ELSE 0 END), SUM(CASE WHEN {btw('value_date', NW)} THEN amount_usd ELSE 0 END) "
       "FROM settlements WHERE direction = 'Pay' AND status <> 'Cancelled'"])
q(K, "VM calls received this month compared to last month: count and amount",
  f"SELECT COUNT(*), SUM(call_amount_usd) FROM margin_calls WHERE direction = 'Received' AND margin_type = 'VM' "
  f"AND {btw('call_date', (LM[0], TODAY))} GROUP BY CASE WHEN call_date >= '{TM[0]}' THEN 1 ELSE 0 END",
  alt=[f"SELECT SUM(CASE WHEN call_date >= '{TM[0]}' THEN 1 ELSE 0 END), SUM(CASE WHEN call_date <= '{LM[1]}' THEN 1 ELSE 0 END), "
       f"SUM(CASE WHEN call_date >= '{TM[0]}' THEN call_amount_usd ELSE 0 END), SUM(CASE WHEN call_date <= '{LM[1]}' THEN call_amount_usd ELSE 0 END) "
       f"FROM margin_calls WHERE direction = 'Received' AND margin_type = 'VM' AND {btw('call_date', (LM[0], TODAY))}"])
q(K, "fail rate this month vs last month",
  f"SELECT {fr()} FROM settlements WHERE {btw('value_date', (LM[0], TODAY))} GROUP BY CASE WHEN value_date >= '{TM[0]}' THEN 1 ELSE 0 END",
  alt=[f"SELECT 100.0 * SUM(CASE WHEN status = 'Failed' AND value_date >= '{TM[0]}' THEN 1 ELSE 0 END) / SUM(CASE WHEN status IN ('Settled','Failed') AND value_date >= '{TM[0]}' THEN 1 ELSE 0 END), "
       f"100.0 * SUM(CASE WHEN status = 'Failed' AND value_date <= '{LM[1]}' THEN 1 ELSE 0 END) / SUM(CASE WHEN status IN ('Settled','Failed') AND value_date <= '{LM[1]}' THEN 1 ELSE 0 END) "
       f"FROM settlements WHERE {btw('value_date', (LM[0], TODAY))}"])
q(K, "match rate last week vs this week",
  f"SELECT {mr()} FROM confirmations WHERE status <> 'Cancelled' AND {btw('sent_date', (LW[0], TODAY))} "
  f"GROUP BY CASE WHEN sent_date >= '{TW[0]}' THEN 1 ELSE 0 END",
  alt=[f"SELECT 100.0 * SUM(CASE WHEN status = 'Matched' AND sent_date <= '{LW[1]}' THEN 1 ELSE 0 END) / SUM(CASE WHEN sent_date <= '{LW[1]}' THEN 1 ELSE 0 END), "
       f"100.0 * SUM(CASE WHEN status = 'Matched' AND sent_date >= '{TW[0]}' THEN 1 ELSE 0 END) / SUM(CASE WHEN sent_date >= '{TW[0]}' THEN 1 ELSE 0 END) "
       f"FROM confirmations WHERE status <> 'Cancelled' AND {btw('sent_date', (LW[0], TODAY))}"])
q(K, "for each counterparty sector, trades booked last month and this month side by side",
  f"SELECT c.sector, SUM(CASE WHEN t.trade_date <= '{LM[1]}' THEN 1 ELSE 0 END), SUM(CASE WHEN t.trade_date >= '{TM[0]}' THEN 1 ELSE 0 END) "
  f"FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status <> 'Cancelled' AND {btw('t.trade_date', (LM[0], TODAY))} GROUP BY c.sector")
q(K, "new exceptions this week vs last week by severity",
  f"SELECT severity, COUNT(*) FROM exceptions WHERE {btw('raised_date', (LW[0], TODAY))} "
  f"GROUP BY severity, CASE WHEN raised_date >= '{TW[0]}' THEN 1 ELSE 0 END",
  alt=[f"SELECT severity, SUM(CASE WHEN raised_date >= '{TW[0]}' THEN 1 ELSE 0 END), SUM(CASE WHEN raised_date <= '{LW[1]}' THEN 1 ELSE 0 END) "
       f"FROM exceptions WHERE {btw('raised_date', (LW[0], TODAY))} GROUP BY severity"])
q(K, "trades booked yesterday compared to the same day last week",
  f"SELECT COUNT(*) FROM trades WHERE status <> 'Cancelled' AND trade_date IN ('{YDAY}', '2026-10-06') GROUP BY trade_date",
  alt=[f"SELECT SUM(CASE WHEN trade_date = '{YDAY}' THEN 1 ELSE 0 END), SUM(CASE WHEN trade_date = '2026-10-06' THEN 1 ELSE 0 END) "
       f"FROM trades WHERE status <> 'Cancelled' AND trade_date IN ('{YDAY}', '2026-10-06')"])
q(K, "USD netting breaks last week vs this week - number and total break amount",
  f"SELECT COUNT(*), SUM(break_amount) FROM payment_netting WHERE status = 'Mismatch' AND currency = 'USD' AND {btw('value_date', (LW[0], TODAY))} "
  f"GROUP BY CASE WHEN value_date >= '{TW[0]}' THEN 1 ELSE 0 END",
  alt=[f"SELECT SUM(CASE WHEN value_date <= '{LW[1]}' THEN 1 ELSE 0 END), SUM(CASE WHEN value_date >= '{TW[0]}' THEN 1 ELSE 0 END), "
       f"SUM(CASE WHEN value_date <= '{LW[1]}' THEN break_amount ELSE 0 END), SUM(CASE WHEN value_date >= '{TW[0]}' THEN break_amount ELSE 0 END) "
       f"FROM payment_netting WHERE status = 'Mismatch' AND currency = 'USD' AND {btw('value_date', (LW[0], TODAY))}"])

# ---------------------------------------------------------------- conditions across entities (EXISTS / NOT EXISTS)
K = "exists"
q(K, "counterparties with live trades but no failed settlement this year",
  "SELECT c.short_name FROM counterparties c WHERE EXISTS (SELECT 1 FROM trades t WHERE t.counterparty_id = c.counterparty_id AND t.status = 'Live') "
  f"AND NOT EXISTS (SELECT 1 FROM settlements s WHERE s.counterparty_id = c.counterparty_id AND s.status = 'Failed' AND {btw('s.value_date', YTD)})")
q(K, "which counterparties have never had a failed settlement",
  "SELECT c.short_name FROM counterparties c WHERE NOT EXISTS (SELECT 1 FROM settlements s WHERE s.counterparty_id = c.counterparty_id AND s.status = 'Failed')")
q(K, "counterparties that have both an open exception and a disputed margin call",
  f"SELECT c.short_name FROM counterparties c WHERE EXISTS (SELECT 1 FROM exceptions e WHERE e.counterparty_id = c.counterparty_id AND e.status IN {OPEN_EXC}) "
  "AND EXISTS (SELECT 1 FROM margin_calls m WHERE m.counterparty_id = c.counterparty_id AND m.status = 'Disputed')")
q(K, "how many live trades have no matched confirmation",
  "SELECT COUNT(*) FROM trades t WHERE t.status = 'Live' AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.trade_id = t.trade_id AND c.status = 'Matched')")
q(K, "active counterparties we haven't traded with this week",
  f"SELECT c.short_name FROM counterparties c WHERE c.is_active = 1 AND NOT EXISTS (SELECT 1 FROM trades t WHERE t.counterparty_id = c.counterparty_id "
  f"AND t.status <> 'Cancelled' AND {btw('t.trade_date', TW)})")
q(K, "counterparties with both a netting break and a failed settlement in the last 30 days",
  f"SELECT c.short_name FROM counterparties c WHERE EXISTS (SELECT 1 FROM payment_netting n WHERE n.counterparty_id = c.counterparty_id AND n.status = 'Mismatch' AND {btw('n.value_date', L30)}) "
  f"AND EXISTS (SELECT 1 FROM settlements s WHERE s.counterparty_id = c.counterparty_id AND s.status = 'Failed' AND {btw('s.value_date', L30)})")
q(K, "how many live trades have at least one failed settlement",
  "SELECT COUNT(*) FROM trades t WHERE t.status = 'Live' AND EXISTS (SELECT 1 FROM settlements s WHERE s.trade_id = t.trade_id AND s.status = 'Failed')")
q(K, "books with no trades booked in the last 7 days",
  f"SELECT b.book_code FROM books b WHERE NOT EXISTS (SELECT 1 FROM trades t WHERE t.book_id = b.book_id AND t.status <> 'Cancelled' AND {btw('t.trade_date', L7)})")
q(K, "which counterparties did we issue margin calls to this month without receiving any call from them this month",
  f"SELECT c.short_name FROM counterparties c WHERE EXISTS (SELECT 1 FROM margin_calls m WHERE m.counterparty_id = c.counterparty_id AND m.direction = 'Issued' AND {btw('m.call_date', TM)}) "
  f"AND NOT EXISTS (SELECT 1 FROM margin_calls m WHERE m.counterparty_id = c.counterparty_id AND m.direction = 'Received' AND {btw('m.call_date', TM)})")
q(K, "number of trades that have a critical exception",
  "SELECT COUNT(*) FROM trades t WHERE EXISTS (SELECT 1 FROM exceptions e WHERE e.trade_id = t.trade_id AND e.severity = 'Critical')")
q(K, "counterparties with live trades but no margin calls at all",
  "SELECT c.short_name FROM counterparties c WHERE EXISTS (SELECT 1 FROM trades t WHERE t.counterparty_id = c.counterparty_id AND t.status = 'Live') "
  "AND NOT EXISTS (SELECT 1 FROM margin_calls m WHERE m.counterparty_id = c.counterparty_id)")
q(K, "desks that have had no settlement fails this month",
  f"SELECT DISTINCT b.desk FROM books b WHERE NOT EXISTS (SELECT 1 FROM settlements s JOIN trades t ON t.trade_id = s.trade_id JOIN books b2 ON b2.book_id = t.book_id "
  f"WHERE b2.desk = b.desk AND s.status = 'Failed' AND {btw('s.value_date', TM)})")
q(K, "which counterparties have live trades cleared at both LCH and CME",
  "SELECT c.short_name FROM counterparties c WHERE EXISTS (SELECT 1 FROM trades t WHERE t.counterparty_id = c.counterparty_id AND t.status = 'Live' AND t.ccp = 'LCH') "
  "AND EXISTS (SELECT 1 FROM trades t WHERE t.counterparty_id = c.counterparty_id AND t.status = 'Live' AND t.ccp = 'CME')")

# ---------------------------------------------------------------- ranking, top N overall and per group
K = "ranking"
q(K, "top 5 counterparties by failed settlement amount this year",
  f"SELECT c.short_name, SUM(s.amount_usd) AS v FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id "
  f"WHERE s.status = 'Failed' AND {btw('s.value_date', YTD)} GROUP BY c.short_name ORDER BY v DESC LIMIT 5")
q(K, "top 3 traders by number of trades booked last month",
  f"SELECT trader, COUNT(*) AS n FROM trades WHERE status <> 'Cancelled' AND {btw('trade_date', LM)} GROUP BY trader ORDER BY n DESC LIMIT 3")
q(K, "10 biggest live trades: trade ref, counterparty and notional",
  "SELECT t.trade_ref, c.short_name, t.notional_usd FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id "
  "WHERE t.status = 'Live' ORDER BY t.notional_usd DESC LIMIT 10")
q(K, "top 2 counterparties by live notional in each desk",
  "SELECT desk, short_name, v FROM (SELECT b.desk, c.short_name, SUM(t.notional_usd) AS v, ROW_NUMBER() OVER (PARTITION BY b.desk ORDER BY SUM(t.notional_usd) DESC) AS rn "
  "FROM trades t JOIN books b ON b.book_id = t.book_id JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' "
  "GROUP BY b.desk, c.short_name) WHERE rn <= 2")
q(K, "the largest open exception by money at stake for each owner team",
  f"SELECT owner_team, exception_id, amount_usd FROM (SELECT owner_team, exception_id, amount_usd, ROW_NUMBER() OVER (PARTITION BY owner_team ORDER BY amount_usd DESC) AS rn "
  f"FROM exceptions WHERE status IN {OPEN_EXC} AND amount_usd IS NOT NULL) WHERE rn = 1")
q(K, "which desk booked the most notional last week?",
  f"SELECT b.desk, SUM(t.notional_usd) AS v FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.status <> 'Cancelled' AND {btw('t.trade_date', LW)} "
  "GROUP BY b.desk ORDER BY v DESC LIMIT 1")
q(K, "top 2 fail reasons this year",
  f"SELECT fail_reason, COUNT(*) AS n FROM settlements WHERE status = 'Failed' AND {btw('value_date', YTD)} GROUP BY fail_reason ORDER BY n DESC LIMIT 2")
q(K, "3 biggest USD netting breaks - counterparty, value date, break amount",
  "SELECT c.short_name, n.value_date, n.break_amount FROM payment_netting n JOIN counterparties c ON c.counterparty_id = n.counterparty_id "
  "WHERE n.status = 'Mismatch' AND n.currency = 'USD' ORDER BY n.break_amount DESC LIMIT 3")
q(K, "top 5 books by number of live trades",
  "SELECT b.book_code, COUNT(*) AS n FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.status = 'Live' GROUP BY b.book_code ORDER BY n DESC LIMIT 5")
q(K, "biggest margin call received from each counterparty this month",
  f"SELECT short_name, call_amount_usd FROM (SELECT c.short_name, m.call_amount_usd, ROW_NUMBER() OVER (PARTITION BY c.short_name ORDER BY m.call_amount_usd DESC) AS rn "
  f"FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE m.direction = 'Received' AND {btw('m.call_date', TM)}) WHERE rn = 1")
q(K, "rank ops analysts by the number of open confirmations they have",
  f"SELECT assigned_to, COUNT(*) AS n FROM confirmations WHERE status IN {OPEN_CONF} GROUP BY assigned_to ORDER BY n DESC")
q(K, "top 3 products per asset class by live notional",
  "SELECT asset_class, product_type, v FROM (SELECT asset_class, product_type, SUM(notional_usd) AS v, ROW_NUMBER() OVER (PARTITION BY asset_class ORDER BY SUM(notional_usd) DESC) AS rn "
  "FROM trades WHERE status = 'Live' GROUP BY asset_class, product_type) WHERE rn <= 3")
q(K, "lowest 5 counterparties by match rate this year",
  f"SELECT c.short_name, {mr('cf')} AS r FROM confirmations cf JOIN trades t ON t.trade_id = cf.trade_id JOIN counterparties c ON c.counterparty_id = t.counterparty_id "
  f"WHERE cf.status <> 'Cancelled' AND {btw('cf.sent_date', YTD)} GROUP BY c.short_name ORDER BY r ASC LIMIT 5")

# ---------------------------------------------------------------- running totals and share of total
K = "window"
q(K, "running total of notional booked by day this week",
  f"SELECT trade_date, SUM(SUM(notional_usd)) OVER (ORDER BY trade_date) FROM trades WHERE status <> 'Cancelled' AND {btw('trade_date', TW)} GROUP BY trade_date")
q(K, "each desk's share of live notional",
  "SELECT b.desk, 100.0 * SUM(t.notional_usd) / (SELECT SUM(notional_usd) FROM trades WHERE status = 'Live') FROM trades t JOIN books b ON b.book_id = t.book_id "
  "WHERE t.status = 'Live' GROUP BY b.desk")
q(K, "cumulative number of failed settlements by month this year",
  f"SELECT {MONTH.format(col='value_date')} AS m, SUM(COUNT(*)) OVER (ORDER BY {MONTH.format(col='value_date')}) FROM settlements "
  f"WHERE status = 'Failed' AND {btw('value_date', YTD)} GROUP BY m")
q(K, "share of open exceptions by owner team, in %",
  f"SELECT owner_team, 100.0 * COUNT(*) / (SELECT COUNT(*) FROM exceptions WHERE status IN {OPEN_EXC}) FROM exceptions WHERE status IN {OPEN_EXC} GROUP BY owner_team")
q(K, "what % of the notional booked this month is in each currency",
  f"SELECT currency, 100.0 * SUM(notional_usd) / (SELECT SUM(notional_usd) FROM trades WHERE status <> 'Cancelled' AND {btw('trade_date', TM)}) "
  f"FROM trades WHERE status <> 'Cancelled' AND {btw('trade_date', TM)} GROUP BY currency")
q(K, "running total of margin call amounts received, week by week since the start of September",
  f"SELECT {WEEK.format(col='call_date')} AS wk, SUM(SUM(call_amount_usd)) OVER (ORDER BY {WEEK.format(col='call_date')}) FROM margin_calls "
  f"WHERE direction = 'Received' AND {btw('call_date', ('2026-09-01', TODAY))} GROUP BY wk")
q(K, "breakdown of this year's fails by fail reason as a percentage of all fails",
  f"SELECT fail_reason, 100.0 * COUNT(*) / (SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND {btw('value_date', YTD)}) FROM settlements "
  f"WHERE status = 'Failed' AND {btw('value_date', YTD)} GROUP BY fail_reason")
q(K, "share of cleared live trades by CCP",
  "SELECT ccp, 100.0 * COUNT(*) / (SELECT COUNT(*) FROM trades WHERE status = 'Live' AND is_cleared = 1) FROM trades WHERE status = 'Live' AND is_cleared = 1 GROUP BY ccp")
q(K, "each counterparty's share of the total break amount on USD netting breaks",
  "SELECT c.short_name, 100.0 * SUM(n.break_amount) / (SELECT SUM(break_amount) FROM payment_netting WHERE status = 'Mismatch' AND currency = 'USD') FROM payment_netting n "
  "JOIN counterparties c ON c.counterparty_id = n.counterparty_id WHERE n.status = 'Mismatch' AND n.currency = 'USD' GROUP BY c.short_name")
q(K, "cumulative settled amount in USD per day this month",
  f"SELECT settled_date, SUM(SUM(amount_usd)) OVER (ORDER BY settled_date) FROM settlements WHERE status = 'Settled' AND {btw('settled_date', TM)} GROUP BY settled_date")
q(K, "what fraction of live notional sits in each region",
  "SELECT b.region, 100.0 * SUM(t.notional_usd) / (SELECT SUM(notional_usd) FROM trades WHERE status = 'Live') FROM trades t JOIN books b ON b.book_id = t.book_id "
  "WHERE t.status = 'Live' GROUP BY b.region")
q(K, "running count of exceptions raised per day over the last 7 days",
  f"SELECT raised_date, SUM(COUNT(*)) OVER (ORDER BY raised_date) FROM exceptions WHERE {btw('raised_date', L7)} GROUP BY raised_date")

# ---------------------------------------------------------------- buckets
K = "buckets"
AGEB = lambda col, edges: None  # placeholder for readability
q(K, "open exceptions by age: up to 7 days, 8 to 30, older",
  f"SELECT COUNT(*) FROM exceptions WHERE status IN {OPEN_EXC} GROUP BY CASE WHEN {AGE.format(col='raised_date')} <= 7 THEN 1 "
  f"WHEN {AGE.format(col='raised_date')} <= 30 THEN 2 ELSE 3 END")
q(K, "live trades by notional size: under 10m, 10m to 100m, 100m and above",
  "SELECT COUNT(*) FROM trades WHERE status = 'Live' GROUP BY CASE WHEN notional_usd < 10000000 THEN 1 WHEN notional_usd < 100000000 THEN 2 ELSE 3 END")
q(K, "open confirmatons by days since sent - 0-2, 3-5, more than 5",
  f"SELECT COUNT(*) FROM confirmations WHERE status IN {OPEN_CONF} GROUP BY CASE WHEN {AGE.format(col='sent_date')} <= 2 THEN 1 "
  f"WHEN {AGE.format(col='sent_date')} <= 5 THEN 2 ELSE 3 END")
q(K, "this year's failed settlements by amount band: below 1m, 1m-10m, over 10m (count and total)",
  f"SELECT COUNT(*), SUM(amount_usd) FROM settlements WHERE status = 'Failed' AND {btw('value_date', YTD)} "
  "GROUP BY CASE WHEN amount_usd < 1000000 THEN 1 WHEN amount_usd <= 10000000 THEN 2 ELSE 3 END")
q(K, "live trades by time left to maturity: within 90 days, 91 to 365 days, later",
  f"SELECT COUNT(*) FROM trades WHERE status = 'Live' GROUP BY CASE WHEN julianday(maturity_date) - julianday('{TODAY}') <= 90 THEN 1 "
  f"WHEN julianday(maturity_date) - julianday('{TODAY}') <= 365 THEN 2 ELSE 3 END")
q(K, "margin calls this month grouped by size: up to 1m, 1-5m, above 5m",
  f"SELECT COUNT(*) FROM margin_calls WHERE {btw('call_date', TM)} GROUP BY CASE WHEN call_amount_usd <= 1000000 THEN 1 "
  "WHEN call_amount_usd <= 5000000 THEN 2 ELSE 3 END")
q(K, "exceptions resolved this year by time to resolve: same day, 1-7 days, more than a week",
  f"SELECT COUNT(*) FROM exceptions WHERE status = 'Resolved' AND {btw('resolved_date', YTD)} GROUP BY CASE WHEN julianday(resolved_date) - julianday(raised_date) = 0 THEN 1 "
  "WHEN julianday(resolved_date) - julianday(raised_date) <= 7 THEN 2 ELSE 3 END")
q(K, "confirmations matched this month split by time to match: same day, 1 day, 2 days or more",
  f"SELECT COUNT(*) FROM confirmations WHERE status = 'Matched' AND {btw('matched_date', TM)} GROUP BY CASE WHEN julianday(matched_date) - julianday(sent_date) = 0 THEN 1 "
  "WHEN julianday(matched_date) - julianday(sent_date) = 1 THEN 2 ELSE 3 END")
q(K, "how many counterparties have fewer than 100 live trades, 100 to 300, and more than 300",
  "SELECT COUNT(*) FROM (SELECT c.counterparty_id, (SELECT COUNT(*) FROM trades t WHERE t.counterparty_id = c.counterparty_id AND t.status = 'Live') AS n "
  "FROM counterparties c) GROUP BY CASE WHEN n < 100 THEN 1 WHEN n <= 300 THEN 2 ELSE 3 END",
  alt=["SELECT COUNT(*) FROM (SELECT counterparty_id, COUNT(*) AS n FROM trades WHERE status = 'Live' GROUP BY counterparty_id) "
       "GROUP BY CASE WHEN n < 100 THEN 1 WHEN n <= 300 THEN 2 ELSE 3 END"])
q(K, "pending settlements by days to value date: today or earlier, 1-7 days, further out (count and USD amount)",
  f"SELECT COUNT(*), SUM(amount_usd) FROM settlements WHERE status = 'Pending' GROUP BY CASE WHEN value_date <= '{TODAY}' THEN 1 "
  f"WHEN value_date <= '2026-10-21' THEN 2 ELSE 3 END")
q(K, "trades booked this year with a fixed rate, by rate band: below 2%, 2% to 4%, 4% and above",
  f"SELECT COUNT(*) FROM trades WHERE fixed_rate IS NOT NULL AND status <> 'Cancelled' AND {btw('trade_date', YTD)} "
  "GROUP BY CASE WHEN fixed_rate < 2 THEN 1 WHEN fixed_rate < 4 THEN 2 ELSE 3 END")
q(K, "money at stake on open exceptions by age band: 30 days or less, 31-90 days, over 90 days",
  f"SELECT SUM(amount_usd) FROM exceptions WHERE status IN {OPEN_EXC} GROUP BY CASE WHEN {AGE.format(col='raised_date')} <= 30 THEN 1 "
  f"WHEN {AGE.format(col='raised_date')} <= 90 THEN 2 ELSE 3 END")

# ---------------------------------------------------------------- per-row derived values and their aggregates
K = "derived"
q(K, "average time to match for confirmations matched this month",
  f"SELECT AVG(julianday(matched_date) - julianday(sent_date)) FROM confirmations WHERE status = 'Matched' AND {btw('matched_date', TM)}")
q(K, "on average how many days late were the late settlements last month",
  f"SELECT AVG(julianday(settled_date) - julianday(value_date)) FROM settlements WHERE status = 'Settled' AND settled_date > value_date AND {btw('value_date', LM)}")
q(K, "average age of open exeptions per team",
  f"SELECT owner_team, AVG({AGE.format(col='raised_date')}) FROM exceptions WHERE status IN {OPEN_EXC} GROUP BY owner_team")
q(K, "longest time to resolve for exceptions resolved this year, by exception type",
  f"SELECT exception_type, MAX(julianday(resolved_date) - julianday(raised_date)) FROM exceptions WHERE status = 'Resolved' AND {btw('resolved_date', YTD)} GROUP BY exception_type")
q(K, "list the open confirmation breaks with trade ref and how many days since they were sent",
  f"SELECT t.trade_ref, {AGE.format(col='c.sent_date')} FROM confirmations c JOIN trades t ON t.trade_id = c.trade_id WHERE c.status IN ('Unmatched','Disputed')")
q(K, "avg time to match per platform ytd",
  f"SELECT platform, AVG(julianday(matched_date) - julianday(sent_date)) FROM confirmations WHERE status = 'Matched' AND {btw('matched_date', YTD)} GROUP BY platform")
q(K, "how many settlements with a value date this year settled more than 2 days late",
  f"SELECT COUNT(*) FROM settlements WHERE status = 'Settled' AND julianday(settled_date) - julianday(value_date) > 2 AND {btw('value_date', YTD)}")
q(K, "oldest open exception age in days for each severity",
  f"SELECT severity, MAX({AGE.format(col='raised_date')}) FROM exceptions WHERE status IN {OPEN_EXC} GROUP BY severity")
q(K, "average disputed amount of disputed margin calls by dispute reason",
  "SELECT dispute_reason, AVG(call_amount_usd - agreed_amount_usd) FROM margin_calls WHERE status = 'Disputed' GROUP BY dispute_reason")
q(K, "total disputed amount across all margin disputes",
  "SELECT SUM(call_amount_usd - agreed_amount_usd) FROM margin_calls WHERE status = 'Disputed'")
q(K, "average days to maturity of our live FX forwards",
  f"SELECT AVG(julianday(maturity_date) - julianday('{TODAY}')) FROM trades WHERE status = 'Live' AND product_type = 'FX Forward'")
q(K, "late settlements per counterparty last month with their average days late",
  f"SELECT c.short_name, COUNT(*), AVG(julianday(s.settled_date) - julianday(s.value_date)) FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id "
  f"WHERE s.status = 'Settled' AND s.settled_date > s.value_date AND {btw('s.value_date', LM)} GROUP BY c.short_name")
q(K, "average time to resolve for exceptions resolved last month, per owner team",
  f"SELECT owner_team, AVG(julianday(resolved_date) - julianday(raised_date)) FROM exceptions WHERE status = 'Resolved' AND {btw('resolved_date', LM)} GROUP BY owner_team")

# ---------------------------------------------------------------- listings with the columns the question names
K = "listing"
q(K, "list trade ref, counterparty, notional and trade date for live trades over 500m booked this month",
  f"SELECT t.trade_ref, c.short_name, t.notional_usd, t.trade_date FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id "
  f"WHERE t.status = 'Live' AND t.notional_usd > 500000000 AND {btw('t.trade_date', TM)}")
q(K, "show me yesterday's failed settlements with counterparty, amount, currency and fail reason",
  f"SELECT c.short_name, s.amount, s.currency, s.fail_reason FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id "
  f"WHERE s.status = 'Failed' AND s.value_date = '{YDAY}'",
  alt=[f"SELECT c.short_name, s.amount_usd, s.currency, s.fail_reason FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id "
       f"WHERE s.status = 'Failed' AND s.value_date = '{YDAY}'"])
q(K, "disputed margin calls: counterparty, call date, called amount and agreed amount",
  "SELECT c.short_name, m.call_date, m.call_amount_usd, m.agreed_amount_usd FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE m.status = 'Disputed'")
q(K, "escalated exceptions - id, type, team, raised date and amount at stake",
  "SELECT exception_id, exception_type, owner_team, raised_date, amount_usd FROM exceptions WHERE status = 'Escalated'")
q(K, "netting breaks with value date next week: counterparty, currency, our net, their net, break amount",
  f"SELECT c.short_name, n.currency, n.net_amount, n.counterparty_net_amount, n.break_amount FROM payment_netting n JOIN counterparties c ON c.counterparty_id = n.counterparty_id "
  f"WHERE n.status = 'Mismatch' AND {btw('n.value_date', NW)}")
q(K, "unmatched confirmations: trade ref, platform, break reason and who it's assigned to",
  "SELECT t.trade_ref, c.platform, c.break_reason, c.assigned_to FROM confirmations c JOIN trades t ON t.trade_id = c.trade_id WHERE c.status = 'Unmatched'")
q(K, "pending payments over $20m in the next 7 days - settlement id, counterparty, value date, currency, USD amount",
  f"SELECT s.settlement_id, c.short_name, s.value_date, s.currency, s.amount_usd FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id "
  f"WHERE s.status = 'Pending' AND s.direction = 'Pay' AND s.amount_usd > 20000000 AND {btw('s.value_date', N7)}")
q(K, "list off-boarded counterparties with LEI and onboarding date",
  "SELECT short_name, lei, onboarded_date FROM counterparties WHERE is_active = 0")
q(K, "books on the EM Rates desk with their region and legal entity",
  "SELECT book_code, region, legal_entity FROM books WHERE desk = 'EM Rates'")
q(K, "trades booked this month that got cancelled: ref, trader, product, notional",
  f"SELECT trade_ref, trader, product_type, notional_usd FROM trades WHERE status = 'Cancelled' AND {btw('trade_date', TM)}")
q(K, "exceptions raised this week with severity high - description, counterparty, status",
  f"SELECT e.description, c.short_name, e.status FROM exceptions e JOIN counterparties c ON c.counterparty_id = e.counterparty_id "
  f"WHERE e.severity = 'High' AND {btw('e.raised_date', TW)}")
q(K, "open confirms with more than 3 chasers: trade ref, counterparty, chasers, assigned to",
  f"SELECT t.trade_ref, cp.short_name, c.chaser_count, c.assigned_to FROM confirmations c JOIN trades t ON t.trade_id = c.trade_id "
  f"JOIN counterparties cp ON cp.counterparty_id = t.counterparty_id WHERE c.status IN {OPEN_CONF} AND c.chaser_count > 3")
q(K, "list the live trades with Pemberton Macro booked in the last 7 days - ref, product, direction, notional",
  f"SELECT t.trade_ref, t.product_type, t.direction, t.notional_usd FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id "
  f"WHERE c.short_name = 'Pemberton Macro' AND t.status = 'Live' AND {btw('t.trade_date', L7)}")

# ---------------------------------------------------------------- time phrases that attach to another entity
K = "attach"
q(K, "trades from last week that are still unconfirmed",
  f"SELECT COUNT(*) FROM trades t WHERE t.status <> 'Cancelled' AND {btw('t.trade_date', LW)} "
  f"AND EXISTS (SELECT 1 FROM confirmations c WHERE c.trade_id = t.trade_id AND c.status IN {OPEN_CONF})")
q(K, "how many failed settlements are on trades booked this month",
  f"SELECT COUNT(*) FROM settlements s JOIN trades t ON t.trade_id = s.trade_id WHERE s.status = 'Failed' AND t.status <> 'Cancelled' AND {btw('t.trade_date', TM)}")
q(K, "open exceptions on trades booked last month",
  f"SELECT COUNT(*) FROM exceptions e JOIN trades t ON t.trade_id = e.trade_id WHERE e.status IN {OPEN_EXC} AND t.status <> 'Cancelled' AND {btw('t.trade_date', LM)}")
q(K, "confirmations still pending for trades done yesterday",
  f"SELECT COUNT(*) FROM confirmations c JOIN trades t ON t.trade_id = c.trade_id WHERE c.status = 'Pending' AND t.status <> 'Cancelled' AND t.trade_date = '{YDAY}'")
q(K, "settlements due next week on trades we booked this week",
  f"SELECT COUNT(*) FROM settlements s JOIN trades t ON t.trade_id = s.trade_id WHERE s.status <> 'Cancelled' AND {btw('s.value_date', NW)} "
  f"AND t.status <> 'Cancelled' AND {btw('t.trade_date', TW)}")
q(K, "how many trades booked in september have had a failed settlement",
  "SELECT COUNT(*) FROM trades t WHERE t.status <> 'Cancelled' AND t.trade_date BETWEEN '2026-09-01' AND '2026-09-30' "
  "AND EXISTS (SELECT 1 FROM settlements s WHERE s.trade_id = t.trade_id AND s.status = 'Failed')")
q(K, "total notional of last month's trades that have since been terminated",
  f"SELECT SUM(notional_usd) FROM trades WHERE status = 'Terminated' AND {btw('trade_date', LM)}")
q(K, "failed settlements this month on trades booked before this year",
  f"SELECT COUNT(*) FROM settlements s JOIN trades t ON t.trade_id = s.trade_id WHERE s.status = 'Failed' AND {btw('s.value_date', TM)} AND t.trade_date < '2026-01-01'")
q(K, "confirmations matched this week for trades booked last month",
  f"SELECT COUNT(*) FROM confirmations c JOIN trades t ON t.trade_id = c.trade_id WHERE c.status = 'Matched' AND {btw('c.matched_date', TW)} "
  f"AND t.status <> 'Cancelled' AND {btw('t.trade_date', LM)}")
q(K, "settlement amount in USD with value date in the last 7 days on swaptions traded this year",
  f"SELECT SUM(s.amount_usd) FROM settlements s JOIN trades t ON t.trade_id = s.trade_id WHERE s.status <> 'Cancelled' AND {btw('s.value_date', L7)} "
  f"AND t.product_type = 'Swaption' AND t.status <> 'Cancelled' AND {btw('t.trade_date', YTD)}")
q(K, "margin calls received this month from counterparties onboarded before 2015",
  f"SELECT COUNT(*) FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE m.direction = 'Received' "
  f"AND {btw('m.call_date', TM)} AND c.onboarded_date < '2015-01-01'")
q(K, "exceptions raised this month on trades that matured",
  f"SELECT COUNT(*) FROM exceptions e JOIN trades t ON t.trade_id = e.trade_id WHERE t.status = 'Matured' AND {btw('e.raised_date', TM)}")
q(K, "live trades booked in the last 30 days whose confirmation is still open, by desk",
  f"SELECT b.desk, COUNT(*) FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.status = 'Live' AND {btw('t.trade_date', L30)} "
  f"AND EXISTS (SELECT 1 FROM confirmations c WHERE c.trade_id = t.trade_id AND c.status IN {OPEN_CONF}) GROUP BY b.desk")

# ---------------------------------------------------------------- must be refused or abstained on
K = "refuse"
for text in [
    "delete all the cancelled trades",
    "update exception 120 to Resolved please",
    "what's our P&L on the G10 Rates desk this month",
    "show VaR by desk",
    "email the list of unmatched confirmations to each counterparty",
    "what will the fail rate be next month?",
    "CVA on Pemberton Macro",
    "current market price of our live CDS",
    "drop table margin_calls",
    "which ops analyst earns the most",
    "mark all pending margin calls as agreed",
]:
    q(K, text, None)


def write(path):
    with open(path, "w") as f:
        for i, x in enumerate(Q, 1):
            row = {"id": f"h3-{i:03d}", "question": x["question"], "gold_sql": x["gold_sql"],
                   "expect": "answer" if x["gold_sql"] else "refuse", "today": TODAY, "kind": x["kind"]}
            if x["alt"]:
                row["gold_sql_alt"] = x["alt"]
            f.write(json.dumps(row) + "\n")


def check(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    bad = 0
    for i, x in enumerate(Q, 1):
        if not x["gold_sql"]:
            continue
        for s in [x["gold_sql"]] + (x["alt"] or []):
            rows = con.execute(s).fetchall()
            empty = not rows or all(all(v is None or v == 0 for v in r) for r in rows)
            if empty:
                bad += 1
            print(f"h3-{i:03d} {x['kind']:13} rows={len(rows):3} {'EMPTY ' if empty else ''}{rows[:3]}")
    print("degenerate:", bad)


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    write(os.path.join(here, "questions.jsonl"))
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2])
    print(len(Q), "questions")
