# Generates cases.jsonl (the hand-written cases live here as code; cases.jsonl is the artefact to score against).
import json
T='2026-11-11'
NC="t.status <> 'Cancelled'"
cases=[]
def fu(qs, sql, note, expect='answer'):
    cases.append(dict(kind='followup', today=T, thread=[{'question':q} for q in qs], gold_sql=sql, expect=expect, choices=[], note=note))
def amb(qs, choices, pick, sql, note):
    cases.append(dict(kind='ambiguity', today=T, thread=[{'question':q} for q in qs], gold_sql=sql, expect='choose', choices=choices, pick=pick, note=note))

# ---- follow-ups that apply ----
fu(["What is the total notional of live trades?","and by currency?"],
 "SELECT t.currency, SUM(t.notional_usd) AS notional_usd FROM trades t WHERE t.status = 'Live' GROUP BY t.currency ORDER BY notional_usd DESC",
 "adds a breakdown by trade currency; amounts stay in USD (no single currency named)")
fu(["How many failed settlements this year?","only EUR"],
 "SELECT COUNT(*) AS fails FROM settlements s WHERE s.status = 'Failed' AND s.currency = 'EUR' AND s.value_date BETWEEN '2026-01-01' AND '2026-11-11'",
 "adds a currency filter EUR; period and measure kept")
fu(["How many trades were booked this week?","same for last week"],
 f"SELECT COUNT(*) AS trades FROM trades t WHERE {NC} AND t.trade_date BETWEEN '2026-11-02' AND '2026-11-08'",
 "replaces the period: this week (2026-11-09..11) -> last week Mon 2026-11-02 to Sun 2026-11-08")
fu(["Live notional by sector","now by counterparty"],
 "SELECT c.short_name, SUM(t.notional_usd) AS notional_usd FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' GROUP BY c.short_name ORDER BY notional_usd DESC",
 "replaces the grouping sector -> counterparty")
fu(["Notional of live trades by counterparty","top 5 of those"],
 "SELECT c.short_name, SUM(t.notional_usd) AS notional_usd FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' GROUP BY c.short_name ORDER BY notional_usd DESC LIMIT 5",
 "keeps the query, orders by the measure descending and limits to 5")
fu(["How many failed settlements were there last month?","show me the trades"],
 "SELECT t.trade_ref, c.short_name, t.product_type, s.value_date, s.currency, s.amount_usd, s.fail_reason FROM settlements s JOIN trades t ON t.trade_id = s.trade_id JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE s.status = 'Failed' AND s.value_date BETWEEN '2026-10-01' AND '2026-10-31' ORDER BY s.value_date",
 "turns the count into a list of the underlying rows (with trade references); same filters")
fu(["Total amount of settlements due next week","what about Pay only"],
 "SELECT SUM(s.amount_usd) AS amount_usd FROM settlements s WHERE s.status <> 'Cancelled' AND s.direction = 'Pay' AND s.value_date BETWEEN '2026-11-16' AND '2026-11-22'",
 "adds direction = Pay; due = value_date in next week, not Cancelled")
fu(["Failed settlements by counterparty last month","as a percentage"],
 "SELECT c.short_name, 100.0 * SUM(CASE WHEN s.status = 'Failed' THEN 1 ELSE 0 END) / COUNT(*) AS fail_rate_pct FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE s.status IN ('Settled','Failed') AND s.value_date BETWEEN '2026-10-01' AND '2026-10-31' GROUP BY c.short_name ORDER BY fail_rate_pct DESC",
 "count of fails -> fail rate: fails / (settled + failed) by value date, per counterparty")
fu(["Open exceptions by severity","by owner team instead"],
 "SELECT e.owner_team, COUNT(*) AS exceptions FROM exceptions e WHERE e.status IN ('Open','In Progress','Escalated') GROUP BY e.owner_team ORDER BY exceptions DESC",
 "replaces the grouping severity -> owner team; open filter kept")
fu(["How many margin calls did we receive this month?","and issued?"],
 "SELECT COUNT(*) AS margin_calls FROM margin_calls m WHERE m.direction = 'Issued' AND m.call_date BETWEEN '2026-11-01' AND '2026-11-11'",
 "swaps direction Received -> Issued; period kept")
fu(["Confirmation breaks by platform","only the aged ones"],
 "SELECT cf.platform, COUNT(*) AS breaks FROM confirmations cf WHERE cf.status IN ('Unmatched','Disputed') AND cf.sent_date < '2026-11-06' GROUP BY cf.platform ORDER BY breaks DESC",
 "adds aged = sent more than 5 days ago (sent_date < today-5)")
fu(["What was the match rate last month?","by platform"],
 "SELECT cf.platform, 100.0 * SUM(CASE WHEN cf.status = 'Matched' THEN 1 ELSE 0 END) / COUNT(*) AS match_rate_pct FROM confirmations cf WHERE cf.status <> 'Cancelled' AND cf.sent_date BETWEEN '2026-10-01' AND '2026-10-31' GROUP BY cf.platform ORDER BY match_rate_pct DESC",
 "adds a breakdown by platform to a rate; the denominator stays per group")
fu(["What is the fail rate this year?","by month"],
 "SELECT strftime('%Y-%m', s.value_date) AS month, 100.0 * SUM(CASE WHEN s.status = 'Failed' THEN 1 ELSE 0 END) / COUNT(*) AS fail_rate_pct FROM settlements s WHERE s.status IN ('Settled','Failed') AND s.value_date BETWEEN '2026-01-01' AND '2026-11-11' GROUP BY month ORDER BY month",
 "adds a monthly time bucket (YYYY-MM), ordered by time")
fu(["How many live trades do we have with Juniper Partners?","and their notional in EUR?"],
 "SELECT SUM(t.notional) AS notional_eur FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' AND c.short_name = 'Juniper Partners' AND t.currency = 'EUR'",
 "count -> sum of notional; naming EUR filters on EUR trades and reports in-currency notional")
fu(["Live notional of cleared trades","what about bilateral?"],
 "SELECT SUM(t.notional_usd) AS notional_usd FROM trades t WHERE t.status = 'Live' AND t.is_cleared = 0",
 "flips is_cleared 1 -> 0")
fu(["How many trades were booked last month?","by product type","only swaps"],
 f"SELECT t.product_type, COUNT(*) AS trades FROM trades t WHERE {NC} AND t.trade_date BETWEEN '2026-10-01' AND '2026-10-31' AND t.product_type IN ('Interest Rate Swap','OIS','Cross Currency Swap') GROUP BY t.product_type ORDER BY trades DESC",
 "three turns: adds grouping, then filter swaps = IRS, OIS, CCS; grouping kept")
fu(["How many netting breaks this month?","what's the total break amount?"],
 "SELECT SUM(p.break_amount) AS break_amount FROM payment_netting p WHERE p.status = 'Mismatch' AND p.value_date BETWEEN '2026-11-01' AND '2026-11-11'",
 "measure count -> sum(break_amount); filters kept")
fu(["How many open exceptions are older than 30 days?","by owner team"],
 "SELECT e.owner_team, COUNT(*) AS exceptions FROM exceptions e WHERE e.status IN ('Open','In Progress','Escalated') AND e.raised_date < '2026-10-12' GROUP BY e.owner_team ORDER BY exceptions DESC",
 "adds a grouping; aged filter kept")
fu(["How many large trades were booked this year?","how many of those are cleared?"],
 f"SELECT COUNT(*) AS trades FROM trades t WHERE {NC} AND t.notional_usd >= 100000000 AND t.trade_date BETWEEN '2026-01-01' AND '2026-11-11' AND t.is_cleared = 1",
 "adds is_cleared = 1 to the previous set")
fu(["How many failed payments last week?","and receipts?"],
 "SELECT COUNT(*) AS fails FROM settlements s WHERE s.status = 'Failed' AND s.direction = 'Receive' AND s.value_date BETWEEN '2026-11-02' AND '2026-11-08'",
 "swaps direction Pay -> Receive; failed status and period kept")
fu(["Average time to match last month","by platform"],
 "SELECT cf.platform, AVG(julianday(cf.matched_date) - julianday(cf.sent_date)) AS avg_days_to_match FROM confirmations cf WHERE cf.status = 'Matched' AND cf.matched_date BETWEEN '2026-10-01' AND '2026-10-31' GROUP BY cf.platform ORDER BY avg_days_to_match DESC",
 "adds grouping by platform (matching measured by matched_date)")
fu(["Notional booked per month this year","only Credit Trading"],
 f"SELECT strftime('%Y-%m', t.trade_date) AS month, SUM(t.notional_usd) AS notional_usd FROM trades t JOIN books b ON b.book_id = t.book_id WHERE {NC} AND b.desk = 'Credit Trading' AND t.trade_date BETWEEN '2026-01-01' AND '2026-11-11' GROUP BY month ORDER BY month",
 "adds a desk filter from the book; monthly series kept")
fu(["How many trades were booked yesterday?","by trader"],
 f"SELECT t.trader, COUNT(*) AS trades FROM trades t WHERE {NC} AND t.trade_date = '2026-11-10' GROUP BY t.trader ORDER BY trades DESC",
 "adds grouping by trader")
fu(["Live notional by region","just EMEA, by desk"],
 "SELECT b.desk, SUM(t.notional_usd) AS notional_usd FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.status = 'Live' AND b.region = 'EMEA' GROUP BY b.desk ORDER BY notional_usd DESC",
 "filters the region and replaces the grouping at once")
fu(["How many margin disputes this year?","total disputed amount by counterparty"],
 "SELECT c.short_name, SUM(m.call_amount_usd - m.agreed_amount_usd) AS disputed_amount_usd FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE m.status = 'Disputed' AND m.call_date BETWEEN '2026-01-01' AND '2026-11-11' GROUP BY c.short_name ORDER BY disputed_amount_usd DESC",
 "count -> disputed amount (call - agreed), grouped by counterparty")
fu(["Fails by fail reason this year","only SSI problems, by counterparty"],
 "SELECT c.short_name, COUNT(*) AS fails FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE s.status = 'Failed' AND s.fail_reason IN ('Missing SSI','Incorrect SSI') AND s.value_date BETWEEN '2026-01-01' AND '2026-11-11' GROUP BY c.short_name ORDER BY fails DESC",
 "filters SSI reasons and regroups by counterparty")
fu(["Total settlements due in the next 7 days","in GBP"],
 "SELECT SUM(s.amount) AS amount_gbp FROM settlements s WHERE s.status <> 'Cancelled' AND s.currency = 'GBP' AND s.value_date BETWEEN '2026-11-12' AND '2026-11-18'",
 "naming GBP filters on GBP and reports the in-currency amount")
fu(["Top 10 counterparties by live notional","the smallest 10 instead"],
 "SELECT c.short_name, SUM(t.notional_usd) AS notional_usd FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' GROUP BY c.short_name ORDER BY notional_usd ASC LIMIT 10",
 "reverses the order of the top N")
fu(["Open confirmations by assigned analyst","only the ones sent more than 5 days ago"],
 "SELECT cf.assigned_to, COUNT(*) AS confirmations FROM confirmations cf WHERE cf.status IN ('Pending','Unmatched','Disputed') AND cf.sent_date < '2026-11-06' GROUP BY cf.assigned_to ORDER BY confirmations DESC",
 "adds the sent_date < today-5 filter")
fu(["How many exceptions were raised last month?","how many of them are resolved now?"],
 "SELECT COUNT(*) AS exceptions FROM exceptions e WHERE e.raised_date BETWEEN '2026-10-01' AND '2026-10-31' AND e.status = 'Resolved'",
 "keeps the raised-last-month set and adds status Resolved")
fu(["Live notional by desk","as a share of the total"],
 "SELECT b.desk, 100.0 * SUM(t.notional_usd) / (SELECT SUM(notional_usd) FROM trades WHERE status = 'Live') AS share_pct FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.status = 'Live' GROUP BY b.desk ORDER BY share_pct DESC",
 "measure -> percentage of the overall total")
# ---- follow-ups that cannot be applied: abstain ----
fu(["Live notional by desk","and the P&L?"], None, "P&L is not in the data: abstain, do not reuse the previous query", 'abstain')
fu(["How many fails last month?","forecast them for next month"], None, "forecast cannot be answered from the data: abstain", 'abstain')
fu(["Open exceptions by severity","close the Low ones"], None, "a follow-up that would change data: refused, nothing run", 'abstain')
fu(["Trades booked this week","and by trader's desk phone number?"], None, "no such column (people beyond named columns): abstain", 'abstain')

# ---- ambiguity ----
J="SELECT SUM(t.notional_usd) AS notional_usd FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' AND c.short_name = '{}'"
amb(["Live notional with Juniper"],["Juniper Merchant Bank","Juniper Partners"],"Juniper Merchant Bank",J.format("Juniper Merchant Bank"),"two counterparties named Juniper ...")
amb(["How many fails with Upland this year?"],["Upland Capital","Upland Motors"],"Upland Capital",
 "SELECT COUNT(*) AS fails FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE s.status = 'Failed' AND c.short_name = 'Upland Capital' AND s.value_date BETWEEN '2026-01-01' AND '2026-11-11'","two counterparties named Upland ...")
amb(["Margin calls received from Trevanion this month"],["Trevanion Life","Trevanion Treasury"],"Trevanion Life",
 "SELECT COUNT(*) AS margin_calls FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE m.direction = 'Received' AND c.short_name = 'Trevanion Life' AND m.call_date BETWEEN '2026-11-01' AND '2026-11-11'","two counterparties named Trevanion ...")
amb(["How many trades did we book with the merchant bank last month?"],["Hawthorne Merchant Bank","Juniper Merchant Bank"],"Hawthorne Merchant Bank",
 f"SELECT COUNT(*) AS trades FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE {NC} AND c.short_name = 'Hawthorne Merchant Bank' AND t.trade_date BETWEEN '2026-10-01' AND '2026-10-31'","'merchant bank' matches two short names")
amb(["Open exceptions for Motors"],["Upland Motors","Vanderhoek Motors"],"Upland Motors",
 "SELECT COUNT(*) AS exceptions FROM exceptions e JOIN counterparties c ON c.counterparty_id = e.counterparty_id WHERE e.status IN ('Open','In Progress','Escalated') AND c.short_name = 'Upland Motors'","'Motors' matches two counterparties")
amb(["Live trades with Advisors"],["Kronstadt Advisors","Ulverston Advisors"],"Kronstadt Advisors",
 "SELECT COUNT(*) AS trades FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' AND c.short_name = 'Kronstadt Advisors'","'Advisors' matches two counterparties")
amb(["Live notional with Life & Pensions"],["Meridian Life","Trevanion Life"],"Meridian Life",J.format("Meridian Life"),"'Life & Pensions' is in two legal names")
amb(["Failed settlements with Capital last month"],["Fairhaven Capital","Lindenhof Capital","Rheinfeld Capital","Upland Capital"],"Fairhaven Capital",
 "SELECT COUNT(*) AS fails FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE s.status = 'Failed' AND c.short_name = 'Fairhaven Capital' AND s.value_date BETWEEN '2026-10-01' AND '2026-10-31'","'Capital' matches four counterparties")
amb(["Live notional by sector","only Juniper"],["Juniper Merchant Bank","Juniper Partners"],"Juniper Merchant Bank",
 "SELECT c.sector, SUM(t.notional_usd) AS notional_usd FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' AND c.short_name = 'Juniper Merchant Bank' GROUP BY c.sector ORDER BY notional_usd DESC","ambiguity inside a follow-up: the filter value matches two counterparties")
amb(["Biggest counterparties by volume this year"],["trade count","notional"],"trade count",
 f"SELECT c.short_name, COUNT(*) AS trades FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE {NC} AND t.trade_date BETWEEN '2026-01-01' AND '2026-11-11' GROUP BY c.short_name ORDER BY trades DESC","'volume' may mean number of trades or notional")
amb(["Total margin call amount this month"],["call amount","agreed amount"],"call amount",
 "SELECT SUM(m.call_amount_usd) AS call_amount_usd FROM margin_calls m WHERE m.call_date BETWEEN '2026-11-01' AND '2026-11-11'","'amount' of a margin call: call_amount_usd or agreed_amount_usd")
amb(["Breaks by counterparty this month"],["confirmation breaks","netting breaks"],"confirmation breaks",
 "SELECT c.short_name, COUNT(*) AS breaks FROM confirmations cf JOIN trades t ON t.trade_id = cf.trade_id JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE cf.status IN ('Unmatched','Disputed') AND cf.sent_date BETWEEN '2026-11-01' AND '2026-11-11' GROUP BY c.short_name ORDER BY breaks DESC","'breaks' may mean confirmation breaks or netting breaks")
amb(["Settlement volume last month"],["number of settlements","amount"],"number of settlements",
 "SELECT COUNT(*) AS settlements FROM settlements s WHERE s.status <> 'Cancelled' AND s.value_date BETWEEN '2026-10-01' AND '2026-10-31'","'volume' may mean count or USD amount")
amb(["Fails with Investments this year"],["Beaumaris Investments","Nakamura Investments","Oranjeburg Investments","Redcliffe Investments"],"Beaumaris Investments",
 "SELECT COUNT(*) AS fails FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE s.status = 'Failed' AND c.short_name = 'Beaumaris Investments' AND s.value_date BETWEEN '2026-01-01' AND '2026-11-11'","'Investments' matches four counterparties")

with open(__import__('pathlib').Path(__file__).parent / 'cases.jsonl','w') as f:
    for i,c in enumerate(cases,1):
        c={'id':f'fu-{i:03d}',**c}
        f.write(json.dumps(c)+'\n')
from collections import Counter
print(Counter((c['kind'],c['expect']) for c in cases), len(cases))
