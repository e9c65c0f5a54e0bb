#!/usr/bin/env python3
"""Source of test/heldout/questions.jsonl: the held-out NL->SQL questions and their
SQLite gold SQL, written from /work/shared/ops-schema/BUSINESS_RULES.md for the demo
database built with seed 7 as of 2026-06-17 (scripts/bench-heldout.sh builds it).
Usage: make_questions.py HELDOUT.db OUT.jsonl  -- runs every gold query, prints its
row count, flags an empty/all-zero result as TRIVIAL, and writes the JSONL.
Ids are positional: append new questions before the must-refuse list (R)."""
import json, sqlite3, sys
T = '2026-06-17'
LIVE = "status = 'Live'"
NC = "status <> 'Cancelled'"
OPENC = "('Pending','Unmatched','Disputed')"
OPENE = "('Open','In Progress','Escalated')"
JC = "JOIN counterparties c ON c.counterparty_id = t.counterparty_id"
JB = "JOIN books b ON b.book_id = t.book_id"
THIS_MONTH = "'2026-06-01' AND '2026-06-17'"
THIS_YEAR = "'2026-01-01' AND '2026-06-17'"
LAST_WEEK = "'2026-06-08' AND '2026-06-14'"
THIS_WEEK = "'2026-06-15' AND '2026-06-17'"
NEXT_WEEK = "'2026-06-22' AND '2026-06-28'"
MAY = "'2026-05-01' AND '2026-05-31'"
Q1 = "'2026-01-01' AND '2026-03-31'"
Q2TD = "'2026-04-01' AND '2026-06-17'"
WEEK = lambda col: f"date({col}, '-' || ((CAST(strftime('%w', {col}) AS INTEGER) + 6) % 7) || ' days')"
FAILRATE = "100.0 * SUM(CASE WHEN status = 'Failed' THEN 1 ELSE 0 END) / SUM(CASE WHEN status IN ('Failed','Settled') THEN 1 ELSE 0 END)"
MATCHRATE = "100.0 * SUM(CASE WHEN status = 'Matched' THEN 1 ELSE 0 END) / COUNT(*)"
OPTIONS = "('Swaption','Cap/Floor','FX Option','Equity Option','Commodity Option')"
RSWAPS = "('Interest Rate Swap','OIS','Cross Currency Swap')"

A = [
# ---- trades
("Give me the count of trades booked today", f"SELECT COUNT(*) FROM trades WHERE trade_date = '2026-06-17' AND {NC}"),
("What's the total USD notional of our live trades with Fortrose Partners?", f"SELECT SUM(t.notional_usd) FROM trades t {JC} WHERE c.short_name = 'Fortrose Partners' AND t.status = 'Live'"),
("how many open trades do we have with Silverton Life & Pensions K.K.", f"SELECT COUNT(*) FROM trades t {JC} WHERE c.short_name = 'Silverton Life' AND t.status = 'Live'"),
("Number of outstanding trades with Valmont Asset Mgmt", f"SELECT COUNT(*) FROM trades t {JC} WHERE c.short_name = 'Valmont Asset Management' AND t.status = 'Live'"),
("How many trades did we do with Vauxford Captial this year?", f"SELECT COUNT(*) FROM trades t {JC} WHERE c.short_name = 'Vauxford Capital' AND t.trade_date BETWEEN {THIS_YEAR} AND t.status <> 'Cancelled'"),
("Show live notional by desk", f"SELECT b.desk, SUM(t.notional_usd) FROM trades t {JB} WHERE t.status = 'Live' GROUP BY b.desk"),
("Break down the live trades by legal entity", f"SELECT b.legal_entity, COUNT(*) FROM trades t {JB} WHERE t.status = 'Live' GROUP BY b.legal_entity"),
("For each region, what notional did we book last month?", f"SELECT b.region, SUM(t.notional_usd) FROM trades t {JB} WHERE t.trade_date BETWEEN {MAY} AND t.status <> 'Cancelled' GROUP BY b.region"),
("Top 10 traders ranked by live notional", f"SELECT trader, SUM(notional_usd) AS n FROM trades WHERE {LIVE} GROUP BY trader ORDER BY n DESC LIMIT 10"),
("Which 3 counterparties have the smallest live notional?", f"SELECT c.short_name, SUM(t.notional_usd) AS n FROM trades t {JC} WHERE t.status = 'Live' GROUP BY c.short_name ORDER BY n ASC LIMIT 3"),
("What's the total GBP notional of live OIS trades?", f"SELECT SUM(notional) FROM trades WHERE product_type = 'OIS' AND currency = 'GBP' AND {LIVE}"),
("How many live rates swaps do we have?", f"SELECT COUNT(*) FROM trades WHERE product_type IN {RSWAPS} AND {LIVE}"),
("Count of live options", f"SELECT COUNT(*) FROM trades WHERE product_type IN {OPTIONS} AND {LIVE}"),
("How many cleared trades were booked in Q1 2026?", f"SELECT COUNT(*) FROM trades WHERE is_cleared = 1 AND trade_date BETWEEN {Q1} AND {NC}"),
("Number of live cleared trades per clearing house", f"SELECT ccp, COUNT(*) FROM trades WHERE {LIVE} AND is_cleared = 1 GROUP BY ccp"),
("How many trades were executed by voice since 1 May 2026?", f"SELECT COUNT(*) FROM trades WHERE execution_venue = 'Voice' AND trade_date >= '2026-05-01' AND trade_date <= '2026-06-17' AND {NC}"),
("How many trades were booked between 1 March and 15 March 2026?", f"SELECT COUNT(*) FROM trades WHERE trade_date BETWEEN '2026-03-01' AND '2026-03-15' AND {NC}"),
("List the large trades booked yesterday", f"SELECT trade_ref FROM trades WHERE notional_usd >= 100000000 AND trade_date = '2026-06-16' AND {NC}"),
("How many trades above 250m USD notional did we book last quarter?", f"SELECT COUNT(*) FROM trades WHERE notional_usd > 250000000 AND trade_date BETWEEN {Q1} AND {NC}"),
("Average USD notional of trades booked by H. Lindqvist this year", f"SELECT AVG(notional_usd) FROM trades WHERE trader = 'H. Lindqvist' AND trade_date BETWEEN {THIS_YEAR} AND {NC}"),
("How many live trades mature next week?", f"SELECT COUNT(*) FROM trades WHERE {LIVE} AND maturity_date BETWEEN {NEXT_WEEK}"),
("How many live trades are maturing in the next 90 days?", f"SELECT COUNT(*) FROM trades WHERE {LIVE} AND maturity_date > '2026-06-17' AND maturity_date <= '2026-09-15'"),
("Weekly count of trades booked over the last 4 weeks", f"SELECT {WEEK('trade_date')} AS week, COUNT(*) FROM trades WHERE trade_date BETWEEN '2026-05-21' AND '2026-06-17' AND {NC} GROUP BY week"),
("Monthly USD notional traded in 2025", f"SELECT substr(trade_date, 1, 7) AS month, SUM(notional_usd) FROM trades WHERE trade_date BETWEEN '2025-01-01' AND '2025-12-31' AND {NC} GROUP BY month"),
("Trades booked per day this week", f"SELECT trade_date, COUNT(*) FROM trades WHERE trade_date BETWEEN {THIS_WEEK} AND {NC} GROUP BY trade_date"),
("How many different traders booked trades in May?", f"SELECT COUNT(DISTINCT trader) FROM trades WHERE trade_date BETWEEN {MAY} AND {NC}"),
("How many cancelled trades are there?", "SELECT COUNT(*) FROM trades WHERE status = 'Cancelled'"),
("Live notional broken down by counterparty country", f"SELECT c.country, SUM(t.notional_usd) FROM trades t {JC} WHERE t.status = 'Live' GROUP BY c.country"),
("What's our live notional with French counterparties?", f"SELECT SUM(t.notional_usd) FROM trades t {JC} WHERE c.country = 'FR' AND t.status = 'Live'"),
("How many live trades do we have with UK counterparties?", f"SELECT COUNT(*) FROM trades t {JC} WHERE c.country = 'GB' AND t.status = 'Live'"),
("Live trades with counterparties in Japan, by product type", f"SELECT t.product_type, COUNT(*) FROM trades t {JC} WHERE c.country = 'JP' AND t.status = 'Live' GROUP BY t.product_type"),
("Which counterparties have more than 400 live trades?", f"SELECT c.short_name FROM trades t {JC} WHERE t.status = 'Live' GROUP BY c.short_name HAVING COUNT(*) > 400"),
("Number of counterparties in each sector", "SELECT sector, COUNT(*) FROM counterparties GROUP BY sector"),
("List the active counterparties rated AA or better", "SELECT short_name FROM counterparties WHERE credit_rating IN ('AAA','AA') AND is_active = 1"),
("How many counterparties were onboarded in 2023?", "SELECT COUNT(*) FROM counterparties WHERE onboarded_date BETWEEN '2023-01-01' AND '2023-12-31'"),
("What is the LEI of Northbridge Trust?", "SELECT lei FROM counterparties WHERE short_name = 'Northbridge Trust'"),
("Which country is Kittering Alpha based in?", "SELECT country FROM counterparties WHERE short_name = 'Kittering Alpha'"),
("How many books does the FX Options desk have?", "SELECT COUNT(*) FROM books WHERE desk = 'FX Options'"),
("list the books in APAC", "SELECT book_code FROM books WHERE region = 'APAC'"),
("Live notional per book for the Equity Derivatives desk", f"SELECT b.book_code, SUM(t.notional_usd) FROM trades t {JB} WHERE b.desk = 'Equity Derivatives' AND t.status = 'Live' GROUP BY b.book_code"),
("What percentage of our live trades are cleared?", f"SELECT 100.0 * SUM(CASE WHEN is_cleared = 1 THEN 1 ELSE 0 END) / COUNT(*) FROM trades WHERE {LIVE}"),
("Live trades by source system and asset class", f"SELECT source_system, asset_class, COUNT(*) FROM trades WHERE {LIVE} GROUP BY source_system, asset_class"),
("How many NDFs did we trade last week?", f"SELECT COUNT(*) FROM trades WHERE product_type = 'NDF' AND trade_date BETWEEN {LAST_WEEK} AND {NC}"),
("Total notional of live JPY trades", f"SELECT SUM(notional) FROM trades WHERE currency = 'JPY' AND {LIVE}"),
("Average fixed rate on live USD interest rate swaps", f"SELECT AVG(fixed_rate) FROM trades WHERE product_type = 'Interest Rate Swap' AND currency = 'USD' AND {LIVE}"),
("Trades booked by B. Marchetti last month, by product", f"SELECT product_type, COUNT(*) FROM trades WHERE trader = 'B. Marchetti' AND trade_date BETWEEN {MAY} AND {NC} GROUP BY product_type"),
("How many live bilateral trades are in the Commodities desk?", f"SELECT COUNT(*) FROM trades t {JB} WHERE b.desk = 'Commodities' AND t.is_cleared = 0 AND t.status = 'Live'"),
("Total live CDS notional with hedge funds", f"SELECT SUM(t.notional_usd) FROM trades t {JC} WHERE c.sector = 'Hedge Fund' AND t.product_type IN ('CDS Single Name','CDS Index') AND t.status = 'Live'"),
("Show the live trade count per counterparty rating", f"SELECT c.credit_rating, COUNT(*) FROM trades t {JC} WHERE t.status = 'Live' GROUP BY c.credit_rating"),
("How many trades were booked in April?", f"SELECT COUNT(*) FROM trades WHERE trade_date BETWEEN '2026-04-01' AND '2026-04-30' AND {NC}"),
# ---- confirmations
("How many confirmations are outstanding?", f"SELECT COUNT(*) FROM confirmations WHERE status IN {OPENC}"),
("Give me the number of confirmation breaks", "SELECT COUNT(*) FROM confirmations WHERE status IN ('Unmatched','Disputed')"),
("How many unconfirmed trades do we have with Vauxford Capital Management Ltd?", f"SELECT COUNT(*) FROM confirmations f JOIN trades t ON t.trade_id = f.trade_id {JC} WHERE c.short_name = 'Vauxford Capital' AND f.status IN {OPENC}"),
("Which analyst has the most open confirmations?", f"SELECT assigned_to FROM confirmations WHERE status IN {OPENC} GROUP BY assigned_to ORDER BY COUNT(*) DESC LIMIT 1"),
("Number of confirmations sent this week", f"SELECT COUNT(*) FROM confirmations WHERE sent_date BETWEEN {THIS_WEEK}"),
("How many confirmations got matched last week?", f"SELECT COUNT(*) FROM confirmations WHERE status = 'Matched' AND matched_date BETWEEN {LAST_WEEK}"),
("Average time to match for DTCC confirmations matched in May", f"SELECT AVG(julianday(matched_date) - julianday(sent_date)) FROM confirmations WHERE platform = 'DTCC' AND status = 'Matched' AND matched_date BETWEEN {MAY}"),
("What's the match rate for confirmations sent this month?", f"SELECT {MATCHRATE} FROM confirmations WHERE sent_date BETWEEN {THIS_MONTH} AND {NC}"),
("Confirmation match rate per platform in Q1", f"SELECT platform, {MATCHRATE} FROM confirmations WHERE sent_date BETWEEN {Q1} AND {NC} GROUP BY platform"),
("List the aged confirmations with their analyst", f"SELECT t.trade_ref, f.assigned_to FROM confirmations f JOIN trades t ON t.trade_id = f.trade_id WHERE f.status IN {OPENC} AND f.sent_date < '2026-06-12'"),
("Open confirmations by desk", f"SELECT b.desk, COUNT(*) FROM confirmations f JOIN trades t ON t.trade_id = f.trade_id {JB} WHERE f.status IN {OPENC} GROUP BY b.desk"),
("How many pending confirmations are on paper?", "SELECT COUNT(*) FROM confirmations WHERE platform = 'Paper' AND status = 'Pending'"),
("What is the total number of chasers sent on open confirmations?", f"SELECT SUM(chaser_count) FROM confirmations WHERE status IN {OPENC}"),
("List open confirmations with more than 2 chasers", f"SELECT t.trade_ref FROM confirmations f JOIN trades t ON t.trade_id = f.trade_id WHERE f.status IN {OPENC} AND f.chaser_count > 2"),
("Confirmation breaks by break reason", "SELECT break_reason, COUNT(*) FROM confirmations WHERE status IN ('Unmatched','Disputed') GROUP BY break_reason"),
("Open confirmations on trades booked in Bank Japan KK", f"SELECT COUNT(*) FROM confirmations f JOIN trades t ON t.trade_id = f.trade_id {JB} WHERE b.legal_entity = 'Bank Japan KK' AND f.status IN {OPENC}"),
("For each analyst, how many confirmations did they match this month?", f"SELECT assigned_to, COUNT(*) FROM confirmations WHERE status = 'Matched' AND matched_date BETWEEN {THIS_MONTH} GROUP BY assigned_to"),
("Open confirmations per counterparty", f"SELECT c.short_name, COUNT(*) FROM confirmations f JOIN trades t ON t.trade_id = f.trade_id {JC} WHERE f.status IN {OPENC} GROUP BY c.short_name"),
("How many confirmations on SWIFT were sent in 2025?", "SELECT COUNT(*) FROM confirmations WHERE platform = 'SWIFT' AND sent_date BETWEEN '2025-01-01' AND '2025-12-31'"),
("Average chasers per open confirmation by platform", f"SELECT platform, AVG(chaser_count) FROM confirmations WHERE status IN {OPENC} GROUP BY platform"),
# ---- settlements
("How many settlement fails did we have last week?", f"SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND value_date BETWEEN {LAST_WEEK}"),
("What was our fail rate in May?", f"SELECT {FAILRATE} FROM settlements WHERE value_date BETWEEN {MAY}"),
("Fail rate by currency this year", f"SELECT currency, {FAILRATE} FROM settlements WHERE value_date BETWEEN {THIS_YEAR} GROUP BY currency"),
("What is the settlement fail rate with Granite Peak Industries this year?", f"SELECT 100.0 * SUM(CASE WHEN s.status = 'Failed' THEN 1 ELSE 0 END) / SUM(CASE WHEN s.status IN ('Failed','Settled') THEN 1 ELSE 0 END) FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE c.short_name = 'Granite Peak Industries' AND s.value_date BETWEEN {THIS_YEAR}"),
("Which counterparties had more than 10 fails this year?", f"SELECT c.short_name FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE s.status = 'Failed' AND s.value_date BETWEEN {THIS_YEAR} GROUP BY c.short_name HAVING COUNT(*) > 10"),
("What's the total USD value of failed settlements this month?", f"SELECT SUM(amount_usd) FROM settlements WHERE status = 'Failed' AND value_date BETWEEN {THIS_MONTH}"),
("How many USD receipts failed in the last 30 days?", "SELECT COUNT(*) FROM settlements WHERE currency = 'USD' AND direction = 'Receive' AND status = 'Failed' AND value_date BETWEEN '2026-05-19' AND '2026-06-17'"),
("What is the total amount of payments due on the next business day, in USD?", "SELECT SUM(amount_usd) FROM settlements WHERE direction = 'Pay' AND value_date = '2026-06-18' AND status <> 'Cancelled'"),
("Total GBP receipts due next week", f"SELECT SUM(amount) FROM settlements WHERE currency = 'GBP' AND direction = 'Receive' AND value_date BETWEEN {NEXT_WEEK} AND {NC}"),
("How many settlements are due in the next 10 days?", f"SELECT COUNT(*) FROM settlements WHERE value_date > '2026-06-17' AND value_date <= '2026-06-27' AND {NC}"),
("Count the fails caused by SSI problems this year", f"SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND fail_reason IN ('Missing SSI','Incorrect SSI') AND value_date BETWEEN {THIS_YEAR}"),
("Failed settlements by cashflow type", "SELECT cashflow_type, COUNT(*) FROM settlements WHERE status = 'Failed' GROUP BY cashflow_type"),
("Average USD amount of failed settlements this year", f"SELECT AVG(amount_usd) FROM settlements WHERE status = 'Failed' AND value_date BETWEEN {THIS_YEAR}"),
("How many settlements settled late this month?", f"SELECT COUNT(*) FROM settlements WHERE status = 'Settled' AND settled_date > value_date AND value_date BETWEEN {THIS_MONTH}"),
("Late settlements by counterparty in May", f"SELECT c.short_name, COUNT(*) FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE s.status = 'Settled' AND s.settled_date > s.value_date AND s.value_date BETWEEN {MAY} GROUP BY c.short_name"),
("Monthly settlement fail count in 2026", "SELECT substr(value_date, 1, 7) AS month, COUNT(*) FROM settlements WHERE status = 'Failed' AND value_date BETWEEN '2026-01-01' AND '2026-12-31' GROUP BY month"),
("Settlement fails by desk this quarter", f"SELECT b.desk, COUNT(*) FROM settlements s JOIN trades t ON t.trade_id = s.trade_id {JB} WHERE s.status = 'Failed' AND s.value_date BETWEEN {Q2TD} GROUP BY b.desk"),
("How many settlement fails on Bank Inc books last month?", f"SELECT COUNT(*) FROM settlements s JOIN trades t ON t.trade_id = s.trade_id {JB} WHERE b.legal_entity = 'Bank Inc' AND s.status = 'Failed' AND s.value_date BETWEEN {MAY}"),
("How many failed settlements are older than 10 days?", "SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND value_date < '2026-06-07'"),
("Fails with Swiss counterparties this year", f"SELECT COUNT(*) FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE c.country = 'CH' AND s.status = 'Failed' AND s.value_date BETWEEN {THIS_YEAR}"),
("Pending settlements by method", "SELECT method, COUNT(*) FROM settlements WHERE status = 'Pending' GROUP BY method"),
("Top 5 counterparties by failed amount in USD this year", f"SELECT c.short_name, SUM(s.amount_usd) AS a FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE s.status = 'Failed' AND s.value_date BETWEEN {THIS_YEAR} GROUP BY c.short_name ORDER BY a DESC LIMIT 5"),
("Daily fails for the past 10 days", "SELECT value_date, COUNT(*) FROM settlements WHERE status = 'Failed' AND value_date BETWEEN '2026-06-08' AND '2026-06-17' GROUP BY value_date"),
("What share of settlements failed last quarter?", f"SELECT {FAILRATE} FROM settlements WHERE value_date BETWEEN {Q1}"),
("How many settlements have failed because of sanctions screening?", "SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND fail_reason = 'Sanctions Screening'"),
("Which settlements failed yesterday? Show trade ref and USD amount", "SELECT t.trade_ref, s.amount_usd FROM settlements s JOIN trades t ON t.trade_id = s.trade_id WHERE s.status = 'Failed' AND s.value_date = '2026-06-16'"),
("Failed settlements with pension funds by fail reason", "SELECT s.fail_reason, COUNT(*) FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE c.sector = 'Pension Fund' AND s.status = 'Failed' GROUP BY s.fail_reason"),
("Weekly fail count over the last 8 weeks", f"SELECT {WEEK('value_date')} AS week, COUNT(*) FROM settlements WHERE status = 'Failed' AND value_date BETWEEN '2026-04-23' AND '2026-06-17' GROUP BY week"),
("Total EUR payments due this week", f"SELECT SUM(amount) FROM settlements WHERE currency = 'EUR' AND direction = 'Pay' AND value_date BETWEEN {THIS_WEEK} AND {NC}"),
# ---- netting
("How many GBP netting mismatches are there?", "SELECT COUNT(*) FROM payment_netting WHERE currency = 'GBP' AND status = 'Mismatch'"),
("What is the largest netting break?", "SELECT MAX(break_amount) FROM payment_netting WHERE status = 'Mismatch'"),
("Netting breaks per counterparty", "SELECT c.short_name, COUNT(*) FROM payment_netting n JOIN counterparties c ON c.counterparty_id = n.counterparty_id WHERE n.status = 'Mismatch' GROUP BY c.short_name"),
("Total gross pay and gross receive for value date 22 June", "SELECT SUM(gross_pay), SUM(gross_receive) FROM payment_netting WHERE value_date = '2026-06-22'"),
("How many netting groups were agreed for value dates this month?", f"SELECT COUNT(*) FROM payment_netting WHERE status = 'Agreed' AND value_date BETWEEN {THIS_MONTH}"),
("Average number of payments per netting group", "SELECT AVG(payments_count) FROM payment_netting"),
("Count netting mismatches above 500k", "SELECT COUNT(*) FROM payment_netting WHERE status = 'Mismatch' AND break_amount > 500000"),
# ---- exceptions
("How many exceptions are outstanding?", f"SELECT COUNT(*) FROM exceptions WHERE status IN {OPENE}"),
("Open exceptions by severity", f"SELECT severity, COUNT(*) FROM exceptions WHERE status IN {OPENE} GROUP BY severity"),
("Which counterparties have more than 5 open exceptions?", f"SELECT c.short_name FROM exceptions e JOIN counterparties c ON c.counterparty_id = e.counterparty_id WHERE e.status IN {OPENE} GROUP BY c.short_name HAVING COUNT(*) > 5"),
("Total amount at risk on open exceptions by owner team", f"SELECT owner_team, SUM(amount_usd) FROM exceptions WHERE status IN {OPENE} GROUP BY owner_team"),
("How many exceptions were raised last month?", f"SELECT COUNT(*) FROM exceptions WHERE raised_date BETWEEN {MAY}"),
("Average time to resolve exceptions resolved this year, by exception type", f"SELECT exception_type, AVG(julianday(resolved_date) - julianday(raised_date)) FROM exceptions WHERE status = 'Resolved' AND resolved_date BETWEEN {THIS_YEAR} GROUP BY exception_type"),
("List the ids of open critical exceptions raised more than 30 days ago", f"SELECT exception_id FROM exceptions WHERE severity = 'Critical' AND status IN {OPENE} AND raised_date < '2026-05-18'"),
("How many open exceptions are older than 60 days?", f"SELECT COUNT(*) FROM exceptions WHERE status IN {OPENE} AND raised_date < '2026-04-18'"),
("Open exceptions for the Settlements team by type", f"SELECT exception_type, COUNT(*) FROM exceptions WHERE owner_team = 'Settlements' AND status IN {OPENE} GROUP BY exception_type"),
("How many open exceptions do we have with hedge funds?", f"SELECT COUNT(*) FROM exceptions e JOIN counterparties c ON c.counterparty_id = e.counterparty_id WHERE c.sector = 'Hedge Fund' AND e.status IN {OPENE}"),
("How many exceptions did we resolve last week?", f"SELECT COUNT(*) FROM exceptions WHERE status = 'Resolved' AND resolved_date BETWEEN {LAST_WEEK}"),
("How old, in days, is the oldest open exception?", f"SELECT MAX(julianday('2026-06-17') - julianday(raised_date)) FROM exceptions WHERE status IN {OPENE}"),
("Monthly count of exceptions raised this year", f"SELECT substr(raised_date, 1, 7) AS month, COUNT(*) FROM exceptions WHERE raised_date BETWEEN {THIS_YEAR} GROUP BY month"),
("Open exceptions with Granite Peak Global Investors AG by severity", f"SELECT e.severity, COUNT(*) FROM exceptions e JOIN counterparties c ON c.counterparty_id = e.counterparty_id WHERE c.short_name = 'Granite Peak Investors' AND e.status IN {OPENE} GROUP BY e.severity"),
# ---- margin
("How many margin calls did we issue last week?", f"SELECT COUNT(*) FROM margin_calls WHERE direction = 'Issued' AND call_date BETWEEN {LAST_WEEK}"),
("Total amount of IM calls we got this month", f"SELECT SUM(call_amount_usd) FROM margin_calls WHERE direction = 'Received' AND margin_type = 'IM' AND call_date BETWEEN {THIS_MONTH}"),
("Disputed amount by counterparty", "SELECT c.short_name, SUM(m.call_amount_usd - m.agreed_amount_usd) FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE m.status = 'Disputed' GROUP BY c.short_name"),
("How many margin calls with Silverton Life are in dispute?", "SELECT COUNT(*) FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE c.short_name = 'Silverton Life' AND m.status = 'Disputed'"),
("Average VM call amount we got in May", f"SELECT AVG(call_amount_usd) FROM margin_calls WHERE direction = 'Received' AND margin_type = 'VM' AND call_date BETWEEN {MAY}"),
("How many margin calls are still pending?", "SELECT COUNT(*) FROM margin_calls WHERE status = 'Pending'"),
("Total margin call amount by currency this year", f"SELECT currency, SUM(call_amount_usd) FROM margin_calls WHERE call_date BETWEEN {THIS_YEAR} GROUP BY currency"),
("Margin disputes by reason", "SELECT dispute_reason, COUNT(*) FROM margin_calls WHERE status = 'Disputed' GROUP BY dispute_reason"),
("Weekly count of margin calls issued over the last 4 weeks", f"SELECT {WEEK('call_date')} AS week, COUNT(*) FROM margin_calls WHERE direction = 'Issued' AND call_date BETWEEN '2026-05-21' AND '2026-06-17' GROUP BY week"),

# ---- second batch (written before scoring it)
("Whats the notional outstanding with Penrose AM?", f"SELECT SUM(t.notional_usd) FROM trades t {JC} WHERE c.short_name = 'Penrose Asset Management' AND t.status = 'Live'"),
("trades with granite peak investors booked since the start of the year", f"SELECT COUNT(*) FROM trades t {JC} WHERE c.short_name = 'Granite Peak Investors' AND t.trade_date BETWEEN {THIS_YEAR} AND t.status <> 'Cancelled'"),
("List confirmation breaks sent before 1 June", "SELECT t.trade_ref FROM confirmations f JOIN trades t ON t.trade_id = f.trade_id WHERE f.status IN ('Unmatched','Disputed') AND f.sent_date < '2026-06-01'"),
("How many trades did the EM Rates desk book in the last 7 days?", f"SELECT COUNT(*) FROM trades t {JB} WHERE b.desk = 'EM Rates' AND t.trade_date BETWEEN '2026-06-11' AND '2026-06-17' AND t.status <> 'Cancelled'"),
("notional booked per legal entity this year", f"SELECT b.legal_entity, SUM(t.notional_usd) FROM trades t {JB} WHERE t.trade_date BETWEEN {THIS_YEAR} AND t.status <> 'Cancelled' GROUP BY b.legal_entity"),
("What's the total notional of live trades maturing in 2027?", f"SELECT SUM(notional_usd) FROM trades WHERE {LIVE} AND maturity_date BETWEEN '2027-01-01' AND '2027-12-31'"),
("Average notional by product type for live trades", f"SELECT product_type, AVG(notional_usd) FROM trades WHERE {LIVE} GROUP BY product_type"),
("How many live trades have a notional of at least 1bn dollars?", f"SELECT COUNT(*) FROM trades WHERE notional_usd >= 1000000000 AND {LIVE}"),
("Count live CHF trades per desk", f"SELECT b.desk, COUNT(*) FROM trades t {JB} WHERE t.currency = 'CHF' AND t.status = 'Live' GROUP BY b.desk"),
("What was the largest notional booked in a single trade last month?", f"SELECT MAX(notional_usd) FROM trades WHERE trade_date BETWEEN {MAY} AND {NC}"),
("How many fails were there between 1 and 12 June?", "SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND value_date BETWEEN '2026-06-01' AND '2026-06-12'"),
("Failed settlement count by counterparty sector in Q1", f"SELECT c.sector, COUNT(*) FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE s.status = 'Failed' AND s.value_date BETWEEN {Q1} GROUP BY c.sector"),
("How much do we receive in CAD next week?", f"SELECT SUM(amount) FROM settlements WHERE currency = 'CAD' AND direction = 'Receive' AND value_date BETWEEN {NEXT_WEEK} AND {NC}"),
("Total USD amount of settlements due today", f"SELECT SUM(amount_usd) FROM settlements WHERE value_date = '2026-06-17' AND {NC}"),
("What's the average break on netting mismatches?", "SELECT AVG(break_amount) FROM payment_netting WHERE status = 'Mismatch'"),
("How many exceptions are escalated?", "SELECT COUNT(*) FROM exceptions WHERE status = 'Escalated'"),
("Critical open exceptions by owner team", f"SELECT owner_team, COUNT(*) FROM exceptions WHERE severity = 'Critical' AND status IN {OPENE} GROUP BY owner_team"),
("Number of exceptions raised this week", f"SELECT COUNT(*) FROM exceptions WHERE raised_date BETWEEN {THIS_WEEK}"),
("How many trade capture errors are still open?", f"SELECT COUNT(*) FROM exceptions WHERE exception_type = 'Trade Capture Error' AND status IN {OPENE}"),
("What's the total disputed amount with Vauxford Savings Bank?", "SELECT SUM(m.call_amount_usd - m.agreed_amount_usd) FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE c.short_name = 'Vauxford Savings Bank' AND m.status = 'Disputed'"),
("Average days to resolve reconciliation breaks", "SELECT AVG(julianday(resolved_date) - julianday(raised_date)) FROM exceptions WHERE exception_type = 'Reconciliation Break' AND status = 'Resolved'"),
("How many variation margin calls did we make in May?", f"SELECT COUNT(*) FROM margin_calls WHERE direction = 'Issued' AND margin_type = 'VM' AND call_date BETWEEN {MAY}"),
("Margin calls received, by status", "SELECT status, COUNT(*) FROM margin_calls WHERE direction = 'Received' GROUP BY status"),
("Which trader booked the most trades this month?", f"SELECT trader FROM trades WHERE trade_date BETWEEN {THIS_MONTH} AND {NC} GROUP BY trader ORDER BY COUNT(*) DESC LIMIT 1"),
("How many sovereign counterparties do we have?", "SELECT COUNT(*) FROM counterparties WHERE sector = 'Sovereign'"),
("Live notional with German counterparties by sector", f"SELECT c.sector, SUM(t.notional_usd) FROM trades t {JC} WHERE c.country = 'DE' AND t.status = 'Live' GROUP BY c.sector"),
("How many settlements with Juniper Investment Partners LLC are pending?", "SELECT COUNT(*) FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE c.short_name = 'Juniper Partners' AND s.status = 'Pending'"),
("Top 2 desks by number of confirmation breaks", f"SELECT b.desk, COUNT(*) AS n FROM confirmations f JOIN trades t ON t.trade_id = f.trade_id {JB} WHERE f.status IN ('Unmatched','Disputed') GROUP BY b.desk ORDER BY n DESC LIMIT 2"),

# ---- third batch: ops jargon, abbreviations, typos, legal names
("How many IRS are live?", f"SELECT COUNT(*) FROM trades WHERE product_type = 'Interest Rate Swap' AND {LIVE}"),
("live CCS notional by ccy", f"SELECT currency, SUM(notional_usd) FROM trades WHERE product_type = 'Cross Currency Swap' AND {LIVE} GROUP BY currency"),
("open confs with Juniper Partners", f"SELECT COUNT(*) FROM confirmations f JOIN trades t ON t.trade_id = f.trade_id {JC} WHERE c.short_name = 'Juniper Partners' AND f.status IN {OPENC}"),
("# of fails ytd", f"SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND value_date BETWEEN {THIS_YEAR}"),
("fails mtd by ccy", f"SELECT currency, COUNT(*) FROM settlements WHERE status = 'Failed' AND value_date BETWEEN {THIS_MONTH} GROUP BY currency"),
("What are the top 5 cptys by live notional?", f"SELECT c.short_name, SUM(t.notional_usd) AS n FROM trades t {JC} WHERE t.status = 'Live' GROUP BY c.short_name ORDER BY n DESC LIMIT 5"),
("show me all books for the credit desk", "SELECT book_code FROM books WHERE desk = 'Credit Trading'"),
("Number of trades per execution venue booked in the past 30 days", f"SELECT execution_venue, COUNT(*) FROM trades WHERE trade_date BETWEEN '2026-05-19' AND '2026-06-17' AND {NC} GROUP BY execution_venue"),
("EUR notional traded this week", f"SELECT SUM(notional) FROM trades WHERE currency = 'EUR' AND trade_date BETWEEN {THIS_WEEK} AND {NC}"),
("How many live trades does Lindqvist Macro Fund plc have with us?", f"SELECT COUNT(*) FROM trades t {JC} WHERE c.short_name = 'Lindqvist Macro' AND t.status = 'Live'"),
("Kronstad Re live trades", f"SELECT COUNT(*) FROM trades t {JC} WHERE c.short_name = 'Kronstadt Re' AND t.status = 'Live'"),
("how many trades did A. Okafor book in 2025", f"SELECT COUNT(*) FROM trades WHERE trader = 'A. Okafor' AND trade_date BETWEEN '2025-01-01' AND '2025-12-31' AND {NC}"),
("Which traders booked more than 20 trades last month?", f"SELECT trader FROM trades WHERE trade_date BETWEEN {MAY} AND {NC} GROUP BY trader HAVING COUNT(*) > 20"),
("Number of settlements due on 19 June by currency", f"SELECT currency, COUNT(*) FROM settlements WHERE value_date = '2026-06-19' AND {NC} GROUP BY currency"),
("Average time to match in days by platform, for confirmations matched this year", f"SELECT platform, AVG(julianday(matched_date) - julianday(sent_date)) FROM confirmations WHERE status = 'Matched' AND matched_date BETWEEN {THIS_YEAR} GROUP BY platform"),
("Count of IM calls we issued this month by counterparty sector", f"SELECT c.sector, COUNT(*) FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE m.direction = 'Issued' AND m.margin_type = 'IM' AND m.call_date BETWEEN {THIS_MONTH} GROUP BY c.sector"),
("Which counterparties have netting breaks?", "SELECT DISTINCT c.short_name FROM payment_netting n JOIN counterparties c ON c.counterparty_id = n.counterparty_id WHERE n.status = 'Mismatch'"),
("What is the total net amount in EUR for value date 19 June?", "SELECT SUM(net_amount) FROM payment_netting WHERE currency = 'EUR' AND value_date = '2026-06-19'"),
("Open exceptions raised in May by severity", f"SELECT severity, COUNT(*) FROM exceptions WHERE status IN {OPENE} AND raised_date BETWEEN {MAY} GROUP BY severity"),
("How many open exceptions have more than 1m at stake?", f"SELECT COUNT(*) FROM exceptions WHERE amount_usd > 1000000 AND status IN {OPENE}"),
("Resolved exceptions by owner team this month", f"SELECT owner_team, COUNT(*) FROM exceptions WHERE status = 'Resolved' AND resolved_date BETWEEN {THIS_MONTH} GROUP BY owner_team"),
("Open exceptions for Emberly Investers", f"SELECT COUNT(*) FROM exceptions e JOIN counterparties c ON c.counterparty_id = e.counterparty_id WHERE c.short_name = 'Emberly Investors' AND e.status IN {OPENE}"),

# ---- fourth batch: negation, exclusion, OR-lists, ranges, ordering words
("How many live trades are not cleared?", f"SELECT COUNT(*) FROM trades WHERE is_cleared = 0 AND {LIVE}"),
("How many live trades are in EUR or GBP?", f"SELECT COUNT(*) FROM trades WHERE currency IN ('EUR','GBP') AND {LIVE}"),
("Count of failed settlements this year excluding SSI problems", f"SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND fail_reason NOT IN ('Missing SSI','Incorrect SSI') AND value_date BETWEEN {THIS_YEAR}"),
("How many live trades have a notional between 50m and 100m USD?", f"SELECT COUNT(*) FROM trades WHERE notional_usd BETWEEN 50000000 AND 100000000 AND {LIVE}"),
("Counterparties with fewer than 50 live trades", f"SELECT c.short_name FROM trades t {JC} WHERE t.status = 'Live' GROUP BY c.short_name HAVING COUNT(*) < 50"),
("Settlement fails each month this year", f"SELECT substr(value_date, 1, 7) AS month, COUNT(*) FROM settlements WHERE status = 'Failed' AND value_date BETWEEN {THIS_YEAR} GROUP BY month"),
("How many open exceptions are not low severity?", f"SELECT COUNT(*) FROM exceptions WHERE severity <> 'Low' AND status IN {OPENE}"),
("Which platform has the most pending confirmations?", "SELECT platform FROM confirmations WHERE status = 'Pending' GROUP BY platform ORDER BY COUNT(*) DESC LIMIT 1"),
("How many live trades are in currencies other than USD?", f"SELECT COUNT(*) FROM trades WHERE currency <> 'USD' AND {LIVE}"),
("Total notional of trades booked on Murex or Calypso last month", f"SELECT SUM(notional_usd) FROM trades WHERE source_system IN ('Murex','Calypso') AND trade_date BETWEEN {MAY} AND {NC}"),
("Average break amount of GBP netting mismatches", "SELECT AVG(break_amount) FROM payment_netting WHERE currency = 'GBP' AND status = 'Mismatch'"),
("Number of live trades per desk, largest first", f"SELECT b.desk, COUNT(*) AS n FROM trades t {JB} WHERE t.status = 'Live' GROUP BY b.desk ORDER BY n DESC"),
]
R = [
"Could you please mark settlement 1234 as settled?",
"Cancel trade OTC-2026-0012345",
"Please add a new counterparty called Acme Bank",
"What is our VaR on the G10 Rates desk?",
"What's the MTM of our live swaps with Fortrose Partners?",
"What is the current price of the 10 year US Treasury?",
"Forecast the number of settlement fails next month",
"What's the phone number of Carrick Savings Bank?",
"How much salary does trader H. Lindqvist earn?",
"Will it rain in London tomorrow?",
"Kindly reassign all open confirmations to Grace Adeyemi",
"truncate the exceptions table",
"What is the P&L of the EM Rates desk this month?",
"Send an email to Fortrose Partners about their failed payments",
]
db = sqlite3.connect(sys.argv[1])
out = []
bad = 0
for i, (qq, sql) in enumerate(A):
    rows = db.execute(sql).fetchall()
    trivial = len(rows) == 0 or all(all(v is None or v == 0 for v in r) for r in rows)
    if trivial: bad += 1
    print(f"h{i+1:03d} rows={len(rows):4d} {'TRIVIAL ' if trivial else ''}{str(rows[:2])[:90]} | {qq}")
    out.append({"id": f"h{i+1:03d}", "question": qq, "gold_sql": sql, "expect": "answer", "today": T})
for j, qq in enumerate(R):
    out.append({"id": f"h{len(A)+j+1:03d}", "question": qq, "gold_sql": None, "expect": "refuse", "today": T})
with open(sys.argv[2], "w") as f:
    for o in out: f.write(json.dumps(o) + "\n")
print(len(A), "answerable", len(R), "refuse", "trivial:", bad)
