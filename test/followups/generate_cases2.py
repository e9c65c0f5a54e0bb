# Generates cases2.jsonl, the SECOND follow-up / "which one?" set (issue 17), written blind: before
# reading the engine (src/nl2sql, src/pipeline). Same format and rules as cases.jsonl (README.md).
# Database: node bin/otc-copilot.js demo-db --out /tmp/fu2.db --trades 10000 --seed 777 --as-of 2026-10-19
# Today = 2026-10-19, a MONDAY (dates below computed by hand):
#   this week 2026-10-19..19 | last week 2026-10-12..18 | next week 2026-10-26..11-01
#   this month 2026-10-01..19 | last month (September) 2026-09-01..30 | this year 2026-01-01..10-19
#   last quarter (Q3) 2026-07-01..09-30 | tomorrow 2026-10-20 | last Friday 2026-10-16
#   aged confirmations: sent before 2026-10-14 (today - 5) | older than 10 days: before 2026-10-09
import json
from pathlib import Path

T = '2026-10-19'
NC = "t.status <> 'Cancelled'"
OPEN_EXC = "e.status IN ('Open','In Progress','Escalated')"
OPEN_CF = "cf.status IN ('Pending','Unmatched','Disputed')"
TW, LW, NW = ("'2026-10-19'", "'2026-10-19'"), ("'2026-10-12'", "'2026-10-18'"), ("'2026-10-26'", "'2026-11-01'")
TM, LM, TY, Q3 = ("'2026-10-01'", "'2026-10-19'"), ("'2026-09-01'", "'2026-09-30'"), ("'2026-01-01'", "'2026-10-19'"), ("'2026-07-01'", "'2026-09-30'")
def between(col, p): return f"{col} BETWEEN {p[0]} AND {p[1]}"
TC = "JOIN counterparties c ON c.counterparty_id = t.counterparty_id"
SC = "JOIN counterparties c ON c.counterparty_id = s.counterparty_id"
FAIL_RATE = "100.0 * SUM(CASE WHEN s.status = 'Failed' THEN 1 ELSE 0 END) / COUNT(*) AS fail_rate_pct"
MATCH_RATE = "100.0 * SUM(CASE WHEN cf.status = 'Matched' THEN 1 ELSE 0 END) / COUNT(*) AS match_rate_pct"
cases = []
def fu(qs, sql, note, expect='answer'):
    cases.append(dict(kind='followup', today=T, thread=[{'question': q} for q in qs], gold_sql=sql, expect=expect, choices=[], note=note))
def amb(qs, choices, pick, sql, note):
    cases.append(dict(kind='ambiguity', today=T, thread=[{'question': q} for q in qs], gold_sql=sql, expect='choose', choices=choices, pick=pick, note=note))

# ---------------- follow-ups that apply ----------------
fu(["Fails this month per counterparty", "and for September?"],
   f"SELECT c.short_name, COUNT(*) AS fails FROM settlements s {SC} WHERE s.status = 'Failed' AND {between('s.value_date', LM)} GROUP BY c.short_name ORDER BY fails DESC",
   "period replaced by a named month (September 2026 = last month); grouping kept")
fu(["Total notional booked last week", "split by desk"],
   f"SELECT b.desk, SUM(t.notional_usd) AS notional_usd FROM trades t JOIN books b ON b.book_id = t.book_id WHERE {NC} AND {between('t.trade_date', LW)} GROUP BY b.desk ORDER BY notional_usd DESC",
   "adds a breakdown by the book's desk; booked = trade_date, not Cancelled")
fu(["How many trades did we book with Castellan Retirement this year?", "and Seabrook Re?"],
   f"SELECT COUNT(*) AS trades FROM trades t {TC} WHERE {NC} AND c.short_name = 'Seabrook Re' AND {between('t.trade_date', TY)}",
   "swaps the counterparty; measure and period kept")
fu(["What's our live notional with Kestrel Life?", "break that down by product"],
   f"SELECT t.product_type, SUM(t.notional_usd) AS notional_usd FROM trades t {TC} WHERE t.status = 'Live' AND c.short_name = 'Kestrel Life' GROUP BY t.product_type ORDER BY notional_usd DESC",
   "adds a product-type breakdown; counterparty filter kept")
fu(["How many confirmations are pending on MarkitWire?", "how about DTCC?"],
   "SELECT COUNT(*) AS confirmations FROM confirmations cf WHERE cf.status = 'Pending' AND cf.platform = 'DTCC'",
   "swaps the platform; status Pending kept (no period in either turn)")
fu(["How many open exceptions does the Settlements team have?", "only High and Critical"],
   f"SELECT COUNT(*) AS exceptions FROM exceptions e WHERE {OPEN_EXC} AND e.owner_team = 'Settlements' AND e.severity IN ('High','Critical')",
   "adds a two-value severity filter; team and open filter kept")
fu(["How many settlements are due tomorrow?", "only the ones over 10m"],
   "SELECT COUNT(*) AS settlements FROM settlements s WHERE s.status <> 'Cancelled' AND s.value_date = '2026-10-20' AND s.amount_usd > 10000000",
   "adds amount_usd > 10,000,000 (over = strictly greater); due tomorrow = value_date 2026-10-20, not Cancelled")
fu(["Total USD receipts expected next week", "and payments?"],
   f"SELECT SUM(s.amount) AS amount_usd FROM settlements s WHERE s.status <> 'Cancelled' AND s.currency = 'USD' AND s.direction = 'Pay' AND {between('s.value_date', NW)}",
   "swaps direction Receive -> Pay; the USD currency filter and next week (2026-10-26..11-01) kept")
fu(["Average time to match on DTCC this month", "and last quarter?"],
   f"SELECT AVG(julianday(cf.matched_date) - julianday(cf.sent_date)) AS avg_days_to_match FROM confirmations cf WHERE cf.status = 'Matched' AND cf.platform = 'DTCC' AND {between('cf.matched_date', Q3)}",
   "replaces the period with the previous calendar quarter (Q3 2026); matching measured by matched_date")
fu(["Notional of new trades this month by asset class", "drop the FX"],
   f"SELECT t.asset_class, SUM(t.notional_usd) AS notional_usd FROM trades t WHERE {NC} AND t.asset_class <> 'FX' AND {between('t.trade_date', TM)} GROUP BY t.asset_class ORDER BY notional_usd DESC",
   "excludes one value of the grouped column")
fu(["Fail rate by currency this year", "which is the worst?"],
   f"SELECT s.currency, {FAIL_RATE} FROM settlements s WHERE s.status IN ('Settled','Failed') AND {between('s.value_date', TY)} GROUP BY s.currency ORDER BY fail_rate_pct DESC LIMIT 1",
   "top 1 of the grouped rate, highest first")
fu(["How many margin calls were disputed this month?", "by dispute reason"],
   f"SELECT m.dispute_reason, COUNT(*) AS margin_calls FROM margin_calls m WHERE m.status = 'Disputed' AND {between('m.call_date', TM)} GROUP BY m.dispute_reason ORDER BY margin_calls DESC",
   "adds a breakdown by dispute reason")
fu(["How many margin calls are still pending?", "how much is that in dollars?"],
   "SELECT SUM(m.call_amount_usd) AS call_amount_usd FROM margin_calls m WHERE m.status = 'Pending'",
   "count -> sum of the call amount (a pending call has no agreed amount)")
fu(["Top 10 traders by notional this year", "only cleared trades"],
   f"SELECT t.trader, SUM(t.notional_usd) AS notional_usd FROM trades t WHERE {NC} AND t.is_cleared = 1 AND {between('t.trade_date', TY)} GROUP BY t.trader ORDER BY notional_usd DESC LIMIT 10",
   "adds is_cleared = 1 inside a top 10")
fu(["Exceptions raised last week by type", "only the ones still open"],
   f"SELECT e.exception_type, COUNT(*) AS exceptions FROM exceptions e WHERE {OPEN_EXC} AND {between('e.raised_date', LW)} GROUP BY e.exception_type ORDER BY exceptions DESC",
   "adds the open-status filter; grouping and raised period kept")
fu(["How many trades were booked on Voice last month?", "and on Electronic?"],
   f"SELECT COUNT(*) AS trades FROM trades t WHERE {NC} AND t.execution_venue = 'Electronic' AND {between('t.trade_date', LM)}",
   "swaps the execution venue")
fu(["Show me the 5 biggest settlement fails this month", "now for the whole year"],
   f"SELECT s.value_date, s.amount_usd FROM settlements s WHERE s.status = 'Failed' AND {between('s.value_date', TY)} ORDER BY s.amount_usd DESC LIMIT 5",
   "a top-5 list whose period is widened to this year; list kept")
fu(["Open exceptions by severity for Rates Ops", "now for Collateral Ops"],
   f"SELECT e.severity, COUNT(*) AS exceptions FROM exceptions e WHERE {OPEN_EXC} AND e.owner_team = 'Collateral Ops' GROUP BY e.severity ORDER BY exceptions DESC",
   "swaps the owner team; grouping kept")
fu(["Netting mismatches this month by counterparty", "total break amount instead of the count"],
   f"SELECT c.short_name, SUM(p.break_amount) AS break_amount FROM payment_netting p JOIN counterparties c ON c.counterparty_id = p.counterparty_id WHERE p.status = 'Mismatch' AND {between('p.value_date', TM)} GROUP BY c.short_name ORDER BY break_amount DESC",
   "measure count -> sum(break_amount); grouping and filters kept")
fu(["Total notional of live OIS", "and in EUR only"],
   "SELECT SUM(t.notional) AS notional_eur FROM trades t WHERE t.status = 'Live' AND t.product_type = 'OIS' AND t.currency = 'EUR'",
   "naming EUR filters EUR trades and reports the in-currency notional")
fu(["Live notional by region", "just APAC", "by book"],
   "SELECT b.book_code, SUM(t.notional_usd) AS notional_usd FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.status = 'Live' AND b.region = 'APAC' GROUP BY b.book_code ORDER BY notional_usd DESC",
   "three turns: filter APAC, then group by book (a region column kept alongside is harmless)")
fu(["How many fails this year?", "by reason", "top 3"],
   f"SELECT s.fail_reason, COUNT(*) AS fails FROM settlements s WHERE s.status = 'Failed' AND {between('s.value_date', TY)} GROUP BY s.fail_reason ORDER BY fails DESC LIMIT 3",
   "three turns: group by fail reason, then top 3 by count")
fu(["How many trades were booked this month?", "only with hedge funds", "show me the trades"],
   f"SELECT t.trade_ref, t.trade_date FROM trades t {TC} WHERE {NC} AND c.sector = 'Hedge Fund' AND {between('t.trade_date', TM)}",
   "three turns: sector filter, then the count becomes the list of trades")
fu(["Average fixed rate on OIS booked this year", "by currency"],
   f"SELECT t.currency, AVG(t.fixed_rate) AS avg_fixed_rate FROM trades t WHERE {NC} AND t.product_type = 'OIS' AND {between('t.trade_date', TY)} GROUP BY t.currency ORDER BY avg_fixed_rate DESC",
   "adds a currency breakdown to an average (naming no single currency, so no filter)")
fu(["How many CDS are live?", "notional by counterparty sector"],
   "SELECT c.sector, SUM(t.notional_usd) AS notional_usd FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' AND t.product_type IN ('CDS Single Name','CDS Index') GROUP BY c.sector ORDER BY notional_usd DESC",
   "count -> notional and a sector breakdown at once; CDS = both CDS product types")
fu(["How many confirmations older than 10 days are still unconfirmed?", "who has the most?"],
   f"SELECT cf.assigned_to, COUNT(*) AS confirmations FROM confirmations cf WHERE {OPEN_CF} AND cf.sent_date < '2026-10-09' GROUP BY cf.assigned_to ORDER BY confirmations DESC LIMIT 1",
   "'who' = the assigned analyst; top 1 by count; older than 10 days = sent before 2026-10-09")
fu(["Fail rate for Stonebridge Merchant Bank this year", "and across all counterparties?"],
   f"SELECT {FAIL_RATE} FROM settlements s WHERE s.status IN ('Settled','Failed') AND {between('s.value_date', TY)}",
   "removes the counterparty filter; rate and period kept")
fu(["How many margin calls did we issue this month?", "VM only"],
   f"SELECT COUNT(*) AS margin_calls FROM margin_calls m WHERE m.direction = 'Issued' AND m.margin_type = 'VM' AND {between('m.call_date', TM)}",
   "adds margin_type = VM")
fu(["How many trades were cleared last month?", "as a percentage of everything booked"],
   f"SELECT 100.0 * SUM(CASE WHEN t.is_cleared = 1 THEN 1 ELSE 0 END) / COUNT(*) AS cleared_pct FROM trades t WHERE {NC} AND {between('t.trade_date', LM)}",
   "count of cleared trades -> share of all trades booked last month")
fu(["How much did we settle on Friday?", "in EUR?"],
   "SELECT SUM(s.amount) AS amount_eur FROM settlements s WHERE s.status = 'Settled' AND s.currency = 'EUR' AND s.settled_date = '2026-10-16'",
   "Friday = last Friday 2026-10-16, settled by settled_date; naming EUR filters EUR and reports in EUR")
fu(["Open exceptions with more than 1m at stake", "group them by counterparty"],
   f"SELECT c.short_name, COUNT(*) AS exceptions FROM exceptions e JOIN counterparties c ON c.counterparty_id = e.counterparty_id WHERE {OPEN_EXC} AND e.amount_usd > 1000000 GROUP BY c.short_name ORDER BY exceptions DESC",
   "adds a grouping; money at stake = amount_usd > 1m kept")
fu(["Which CCP has the most live notional?", "show all of them"],
   "SELECT t.ccp, SUM(t.notional_usd) AS notional_usd FROM trades t WHERE t.status = 'Live' AND t.is_cleared = 1 GROUP BY t.ccp ORDER BY notional_usd DESC",
   "undoes the top 1: every CCP (bilateral trades have no CCP)")
fu(["Largest 10 live trades", "only bilateral ones"],
   "SELECT t.trade_ref, t.notional_usd FROM trades t WHERE t.status = 'Live' AND t.is_cleared = 0 ORDER BY t.notional_usd DESC LIMIT 10",
   "adds is_cleared = 0 to a top-10 list")
fu(["How many exceptions were resolved last month?", "average time to resolve"],
   f"SELECT AVG(julianday(e.resolved_date) - julianday(e.raised_date)) AS avg_days_to_resolve FROM exceptions e WHERE e.status = 'Resolved' AND {between('e.resolved_date', LM)}",
   "count -> average days to resolve; resolved last month by resolved_date")
fu(["Exceptions raised this month by owner team", "as a percentage"],
   f"SELECT e.owner_team, 100.0 * COUNT(*) / (SELECT COUNT(*) FROM exceptions WHERE raised_date BETWEEN {TM[0]} AND {TM[1]}) AS share_pct FROM exceptions e WHERE {between('e.raised_date', TM)} GROUP BY e.owner_team ORDER BY share_pct DESC",
   "a count by group -> each group's share of the total (the only percentage a count by team can mean)")
fu(["Live notional by counterparty", "just the Castellan ones"],
   "SELECT c.short_name, SUM(t.notional_usd) AS notional_usd FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' AND c.short_name IN ('Castellan Development Bank','Castellan Investors','Castellan Retirement') GROUP BY c.short_name ORDER BY notional_usd DESC",
   "plural 'the Castellan ones': all three Castellan counterparties, not a which-one")
fu(["What's the match rate this year?", "only SWIFT", "by month"],
   f"SELECT strftime('%Y-%m', cf.sent_date) AS month, {MATCH_RATE} FROM confirmations cf WHERE cf.status <> 'Cancelled' AND cf.platform = 'SWIFT' AND {between('cf.sent_date', TY)} GROUP BY month ORDER BY month",
   "three turns: platform filter, then a monthly series of the rate")
fu(["Failed payments this year by currency", "GBP only", "list them"],
   f"SELECT t.trade_ref, s.value_date FROM settlements s JOIN trades t ON t.trade_id = s.trade_id WHERE s.status = 'Failed' AND s.direction = 'Pay' AND s.currency = 'GBP' AND {between('s.value_date', TY)}",
   "three turns: currency filter, then the list of the failed GBP payments")
fu(["How many FX forwards did we book last week?", "and NDFs?"],
   f"SELECT COUNT(*) AS trades FROM trades t WHERE {NC} AND t.product_type = 'NDF' AND {between('t.trade_date', LW)}",
   "swaps the product type")
fu(["How many live trades do we have with AA-rated counterparties?", "and with BB or lower?"],
   "SELECT COUNT(*) AS trades FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' AND c.credit_rating IN ('BB','B')",
   "replaces the rating filter with 'BB or lower' (BB, B on the AAA..B scale)")
fu(["Average chasers on disputed confirmations", "by platform"],
   "SELECT cf.platform, AVG(cf.chaser_count) AS avg_chasers FROM confirmations cf WHERE cf.status = 'Disputed' GROUP BY cf.platform ORDER BY avg_chasers DESC",
   "adds a platform breakdown to an average (no period in either turn)")

# ---------------- follow-ups that cannot be applied: abstain ----------------
fu(["Live notional with Seabrook Re", "what's their credit limit?"], None, "credit limits are not in the data: abstain", 'abstain')
fu(["How many fails this month?", "email the list to the settlements team"], None, "an action (e-mail), not a question of the data: abstain", 'abstain')
fu(["Live notional by desk", "what's the VaR on that?"], None, "VaR cannot be answered from this data: abstain", 'abstain')
fu(["Open confirmations by platform", "mark the Paper ones as matched"], None, "would change data: refused, nothing run", 'abstain')
fu(["What was the fail rate last month?", "why did it go up?"], None, "a cause cannot be read from the data: abstain, do not re-run the rate", 'abstain')
fu(["Top 5 counterparties by live notional", "who's the relationship manager for each?"], None, "no relationship manager in the data: abstain", 'abstain')

# ---------------- ambiguity: words that could mean two measures ----------------
amb(["What was our payment volume last week?"], ["number", "amount"], "number",
    f"SELECT COUNT(*) AS payments FROM settlements s WHERE s.status <> 'Cancelled' AND s.direction = 'Pay' AND {between('s.value_date', LW)}",
    "'volume' of payments: how many, or how much (USD amount)")
amb(["Which desk did the most volume this year?"], ["trade count", "notional"], "notional",
    f"SELECT b.desk, SUM(t.notional_usd) AS notional_usd FROM trades t JOIN books b ON b.book_id = t.book_id WHERE {NC} AND {between('t.trade_date', TY)} GROUP BY b.desk ORDER BY notional_usd DESC LIMIT 1",
    "'volume' of trades: number of trades or notional; 'which desk ... the most' = top 1")
amb(["How many disputes have we had with Vanderhoek Superannuation this year?"], ["margin call", "confirmation"], "margin call",
    f"SELECT COUNT(*) AS disputes FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE m.status = 'Disputed' AND c.short_name = 'Vanderhoek Superannuation' AND {between('m.call_date', TY)}",
    "'disputes': margin disputes (rules) or Disputed confirmations (a status of its own)")
amb(["How many breaks with Calderon Investors last month?"], ["confirmation", "netting"], "netting",
    f"SELECT COUNT(*) AS breaks FROM payment_netting p JOIN counterparties c ON c.counterparty_id = p.counterparty_id WHERE p.status = 'Mismatch' AND c.short_name = 'Calderon Investors' AND {between('p.value_date', LM)}",
    "'breaks' with one counterparty: confirmation breaks or netting breaks")

# ---------------- ambiguity: a name shared by several counterparties ----------------
CAST = ["Castellan Development Bank", "Castellan Investors", "Castellan Retirement"]
SEA = ["Seabrook Capital", "Seabrook Re"]
MB = ["Pacifica Merchant Bank", "Stonebridge Merchant Bank", "Vauxford Merchant Bank"]
ALPHA = ["Inverness Alpha", "Silverton Alpha"]
SUPER = ["Vanderhoek Superannuation", "Waldstein Superannuation"]
amb(["Live notional with Castellan"], CAST, "Castellan Retirement",
    f"SELECT SUM(t.notional_usd) AS notional_usd FROM trades t {TC} WHERE t.status = 'Live' AND c.short_name = 'Castellan Retirement'",
    "three counterparties named Castellan ...")
amb(["How many confirmations are still open with Seabrook?"], SEA, "Seabrook Re",
    f"SELECT COUNT(*) AS confirmations FROM confirmations cf JOIN trades t ON t.trade_id = cf.trade_id {TC} WHERE {OPEN_CF} AND c.short_name = 'Seabrook Re'",
    "two counterparties named Seabrook ...; confirmations reach the counterparty through the trade")
amb(["How much is due to settle next week with the superannuation fund?"], SUPER, "Waldstein Superannuation",
    f"SELECT SUM(s.amount_usd) AS amount_usd FROM settlements s {SC} WHERE s.status <> 'Cancelled' AND c.short_name = 'Waldstein Superannuation' AND {between('s.value_date', NW)}",
    "two superannuation funds; singular 'the fund' asks which one")
amb(["Failed receipts from Alpha last month"], ALPHA, "Silverton Alpha",
    f"SELECT COUNT(*) AS fails FROM settlements s {SC} WHERE s.status = 'Failed' AND s.direction = 'Receive' AND c.short_name = 'Silverton Alpha' AND {between('s.value_date', LM)}",
    "two counterparties named ... Alpha")
amb(["Open exceptions by severity", "for Merchant Bank"], MB, "Pacifica Merchant Bank",
    f"SELECT e.severity, COUNT(*) AS exceptions FROM exceptions e JOIN counterparties c ON c.counterparty_id = e.counterparty_id WHERE {OPEN_EXC} AND c.short_name = 'Pacifica Merchant Bank' GROUP BY e.severity ORDER BY exceptions DESC",
    "a follow-up whose filter value matches three counterparties")
amb(["Margin calls received from Global Investors this year"], ["Calderon Investors", "Castellan Investors", "Fernhill Investors", "Uxbridge Park Investors"], "Calderon Investors",
    f"SELECT COUNT(*) AS margin_calls FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE m.direction = 'Received' AND c.short_name = 'Calderon Investors' AND {between('m.call_date', TY)}",
    "'Global Investors' is in four legal names")
amb(["Average time to match for Investment Management this month"], ["Delacroix Investments", "Harrowgate Investments", "Ulverston Investments"], "Ulverston Investments",
    f"SELECT AVG(julianday(cf.matched_date) - julianday(cf.sent_date)) AS avg_days_to_match FROM confirmations cf JOIN trades t ON t.trade_id = cf.trade_id {TC} WHERE cf.status = 'Matched' AND c.short_name = 'Ulverston Investments' AND {between('cf.matched_date', TM)}",
    "'Investment Management' is in three legal names")
amb(["Notional booked this month with Capital Partners"], ["Meridian Capital", "Seabrook Capital"], "Meridian Capital",
    f"SELECT SUM(t.notional_usd) AS notional_usd FROM trades t {TC} WHERE {NC} AND c.short_name = 'Meridian Capital' AND {between('t.trade_date', TM)}",
    "'Capital Partners' is in two legal names")
amb(["Top 10 counterparties by number of fails this year", "what about Seabrook?"], SEA, "Seabrook Capital",
    f"SELECT c.short_name, COUNT(*) AS fails FROM settlements s {SC} WHERE s.status = 'Failed' AND c.short_name = 'Seabrook Capital' AND {between('s.value_date', TY)} GROUP BY c.short_name",
    "a follow-up narrowing a ranking to a name shared by two counterparties")
amb(["How many trades did we book with Castellan last week?"], CAST, "Castellan Development Bank",
    f"SELECT COUNT(*) AS trades FROM trades t {TC} WHERE {NC} AND c.short_name = 'Castellan Development Bank' AND {between('t.trade_date', LW)}",
    "three counterparties named Castellan ...")
amb(["Disputed margin calls with Seabrook this year"], SEA, "Seabrook Re",
    f"SELECT COUNT(*) AS margin_calls FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE m.status = 'Disputed' AND c.short_name = 'Seabrook Re' AND {between('m.call_date', TY)}",
    "two counterparties named Seabrook ...")
amb(["How many live trades with Kestrel Life?", "and with Castellan?"], CAST, "Castellan Investors",
    f"SELECT COUNT(*) AS trades FROM trades t {TC} WHERE t.status = 'Live' AND c.short_name = 'Castellan Investors'",
    "a follow-up swapping a unique counterparty for a shared name")
amb(["Fail rate for Merchant Bank this year"], MB, "Vauxford Merchant Bank",
    f"SELECT {FAIL_RATE} FROM settlements s {SC} WHERE s.status IN ('Settled','Failed') AND c.short_name = 'Vauxford Merchant Bank' AND {between('s.value_date', TY)}",
    "three merchant banks")
amb(["Live CDS notional with Alpha"], ALPHA, "Silverton Alpha",
    f"SELECT SUM(t.notional_usd) AS notional_usd FROM trades t {TC} WHERE t.status = 'Live' AND t.product_type IN ('CDS Single Name','CDS Index') AND c.short_name = 'Silverton Alpha'",
    "two counterparties named ... Alpha")
amb(["How many nettings were agreed this month?", "just for Superannuation"], SUPER, "Vanderhoek Superannuation",
    f"SELECT COUNT(*) AS nettings FROM payment_netting p JOIN counterparties c ON c.counterparty_id = p.counterparty_id WHERE p.status = 'Agreed' AND c.short_name = 'Vanderhoek Superannuation' AND {between('p.value_date', TM)}",
    "a follow-up whose filter matches two superannuation funds; agreed nettings (status Agreed) this month")
amb(["Show me the live trades with Merchant Bank over 50m"], MB, "Stonebridge Merchant Bank",
    f"SELECT t.trade_ref, t.notional_usd FROM trades t {TC} WHERE t.status = 'Live' AND t.notional_usd > 50000000 AND c.short_name = 'Stonebridge Merchant Bank'",
    "a list question naming a shared name")

with open(Path(__file__).parent / 'cases2.jsonl', 'w') as f:
    for i, c in enumerate(cases, 1):
        f.write(json.dumps({'id': f'fu2-{i:03d}', **c}) + '\n')
from collections import Counter
print(Counter((c['kind'], c['expect']) for c in cases), len(cases))
