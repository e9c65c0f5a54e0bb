/**
 * The generator: a deterministic stream of rows for the eight tables, in schema column order.
 * Same seed, trade count and as-of date => the same rows, on every machine. Rows go to a sink
 * in chunks (parents before children), so a million trades never sit in memory at once.
 */
import { addBusinessDays, addMonths, isBusinessDay, isoDate, rollForward, yearOf } from './dates.js';
import { Prng, Weighted } from './prng.js';
import { bookRow, cdsMaturity, counterpartyRow, makeBooks, makeCounterparties, type Book, type Counterparty } from './reference-data.js';
import type { OpsTable } from './schema.js';
import { ANALYSTS, USD_PER_UNIT } from './vocab.js';

export interface RowSink {
  /** Receives a chunk of rows of one table, each an array in the schema's column order. */
  write(table: OpsTable, rows: unknown[][]): Promise<void> | void;
}

export interface GenerateOptions {
  trades: number;
  seed: number;
  /** The as-of date as a day number (see dates.ts). */
  asOfDay: number;
}

export type TableCounts = Record<OpsTable, number>;

const CHUNK = 2_000;
const HISTORY_DAYS = 1095;
const SETTLEMENT_HORIZON_DAYS = 45;
const NETTING_BACK_DAYS = 35;
const NETTING_FORWARD_DAYS = 14;
const MARGIN_BACK_DAYS = 180;

const round2 = (x: number): number => Math.round(x * 100) / 100;

const PRODUCTS: Record<string, Weighted<string>> = {
  Rates: new Weighted([['Interest Rate Swap', 40], ['OIS', 25], ['Cross Currency Swap', 8], ['FRA', 10], ['Swaption', 10], ['Cap/Floor', 7]]),
  Credit: new Weighted([['CDS Single Name', 60], ['CDS Index', 40]]),
  FX: new Weighted([['FX Forward', 45], ['FX Swap', 25], ['FX Option', 18], ['NDF', 12]]),
  Equity: new Weighted([['Equity Swap', 55], ['Equity Option', 45]]),
  Commodity: new Weighted([['Commodity Swap', 60], ['Commodity Option', 40]]),
};
const FX_DESK_PRODUCTS: Record<string, Weighted<string>> = {
  'FX Forwards': new Weighted([['FX Forward', 55], ['FX Swap', 30], ['NDF', 15]]),
  'FX Options': new Weighted([['FX Option', 100]]),
};

const PAY_RECEIVE = new Set(['Interest Rate Swap', 'OIS', 'Cross Currency Swap', 'FRA', 'CDS Single Name', 'CDS Index', 'Equity Swap', 'Commodity Swap']);
const OPTIONS = new Set(['Swaption', 'Cap/Floor', 'FX Option', 'Equity Option', 'Commodity Option']);
const RATE_PRODUCTS = new Set(['Interest Rate Swap', 'OIS', 'Cross Currency Swap', 'FRA', 'Swaption', 'Cap/Floor']);

/** Median notional in USD by product (lognormal around it, with a heavy tail). */
const MEDIAN_NOTIONAL: Record<string, number> = {
  'Interest Rate Swap': 20e6, OIS: 30e6, 'Cross Currency Swap': 25e6, FRA: 40e6, Swaption: 25e6, 'Cap/Floor': 15e6,
  'CDS Single Name': 8e6, 'CDS Index': 25e6, 'FX Forward': 10e6, 'FX Swap': 25e6, 'FX Option': 12e6, NDF: 8e6,
  'Equity Swap': 12e6, 'Equity Option': 6e6, 'Commodity Swap': 8e6, 'Commodity Option': 5e6,
};

/** Tenor in months (fractions are weeks). */
const TENOR: Record<string, Weighted<number>> = {
  'Interest Rate Swap': new Weighted([[12, 5], [24, 12], [36, 10], [60, 20], [84, 10], [120, 22], [180, 6], [240, 6], [360, 9]]),
  OIS: new Weighted([[1, 8], [3, 15], [6, 15], [9, 8], [12, 20], [18, 8], [24, 12], [36, 8], [60, 6]]),
  'Cross Currency Swap': new Weighted([[12, 15], [24, 20], [36, 20], [60, 25], [84, 10], [120, 10]]),
  FRA: new Weighted([[3, 60], [6, 40]]),
  Swaption: new Weighted([[1, 10], [3, 25], [6, 25], [12, 25], [24, 10], [60, 5]]),
  'Cap/Floor': new Weighted([[12, 15], [24, 25], [36, 25], [60, 25], [120, 10]]),
  'FX Forward': new Weighted([[0.25, 10], [0.5, 8], [1, 25], [2, 12], [3, 20], [6, 15], [9, 4], [12, 6]]),
  'FX Swap': new Weighted([[0.25, 20], [0.5, 10], [1, 25], [3, 25], [6, 12], [12, 8]]),
  'FX Option': new Weighted([[0.25, 10], [1, 30], [3, 30], [6, 20], [12, 10]]),
  NDF: new Weighted([[1, 40], [2, 20], [3, 25], [6, 15]]),
  'Equity Swap': new Weighted([[3, 20], [6, 25], [12, 30], [24, 15], [36, 10]]),
  'Equity Option': new Weighted([[1, 20], [3, 30], [6, 25], [12, 15], [24, 10]]),
  'Commodity Swap': new Weighted([[1, 15], [3, 25], [6, 25], [12, 20], [24, 10], [36, 5]]),
  'Commodity Option': new Weighted([[1, 25], [3, 35], [6, 25], [12, 15]]),
};
const CDS_YEARS = new Weighted([[1, 5], [3, 15], [5, 60], [7, 12], [10, 8]]);

const CCY_BY_DESK: Record<string, Weighted<string>> = {
  'G10 Rates': new Weighted([['USD', 35], ['EUR', 28], ['GBP', 14], ['JPY', 9], ['AUD', 4], ['CAD', 5], ['CHF', 3], ['SGD', 2]]),
  'EM Rates': new Weighted([['USD', 60], ['SGD', 15], ['EUR', 15], ['AUD', 10]]),
  'Credit Trading': new Weighted([['USD', 55], ['EUR', 40], ['GBP', 5]]),
  'FX Forwards': new Weighted([['EUR', 30], ['USD', 20], ['GBP', 12], ['JPY', 12], ['AUD', 8], ['CAD', 6], ['CHF', 6], ['SGD', 6]]),
  'FX Options': new Weighted([['EUR', 32], ['USD', 18], ['GBP', 12], ['JPY', 16], ['AUD', 8], ['CAD', 5], ['CHF', 5], ['SGD', 4]]),
  'Equity Derivatives': new Weighted([['USD', 50], ['EUR', 25], ['GBP', 10], ['JPY', 10], ['CHF', 5]]),
  Commodities: new Weighted([['USD', 90], ['EUR', 10]]),
};
const APAC_CCY = new Weighted([['JPY', 45], ['USD', 30], ['SGD', 10], ['AUD', 15]]);

const RATE_LEVEL: Record<string, number> = { USD: 4.2, EUR: 2.4, GBP: 4.0, JPY: 0.8, CHF: 0.7, AUD: 3.9, CAD: 3.1, SGD: 2.8 };

const VENUE: Record<string, Weighted<string>> = {
  RatesUSD: new Weighted([['SEF', 45], ['Voice', 25], ['Electronic', 20], ['MTF', 10]]),
  Rates: new Weighted([['MTF', 40], ['Voice', 30], ['Electronic', 25], ['SEF', 5]]),
  Credit: new Weighted([['Voice', 40], ['SEF', 25], ['MTF', 20], ['Electronic', 15]]),
  FX: new Weighted([['Electronic', 60], ['Voice', 25], ['MTF', 15]]),
  Equity: new Weighted([['Voice', 55], ['Electronic', 25], ['MTF', 20]]),
  Commodity: new Weighted([['Voice', 60], ['Electronic', 30], ['MTF', 10]]),
};
const CLEARING_RATE: Record<string, number> = {
  'Interest Rate Swap': 0.85, OIS: 0.9, FRA: 0.8, 'CDS Index': 0.8, 'CDS Single Name': 0.45, NDF: 0.3, 'Cross Currency Swap': 0.15,
};
const CCP_BY_CCY: Record<string, Weighted<string>> = {
  USD: new Weighted([['LCH', 65], ['CME', 35]]),
  EUR: new Weighted([['LCH', 75], ['Eurex', 25]]),
  JPY: new Weighted([['JSCC', 55], ['LCH', 45]]),
  OTHER: new Weighted([['LCH', 100]]),
};
const SOURCE_BY_DESK: Record<string, Weighted<string>> = {
  'G10 Rates': new Weighted([['Murex', 70], ['Calypso', 30]]),
  'EM Rates': new Weighted([['Murex', 50], ['Summit', 50]]),
  'Credit Trading': new Weighted([['Calypso', 70], ['Summit', 30]]),
  'FX Forwards': new Weighted([['Calypso', 60], ['Murex', 40]]),
  'FX Options': new Weighted([['Murex', 80], ['Calypso', 20]]),
  'Equity Derivatives': new Weighted([['Summit', 60], ['Murex', 40]]),
  Commodities: new Weighted([['Summit', 70], ['Calypso', 30]]),
};
const PLATFORM: Record<string, Weighted<string>> = {
  Rates: new Weighted([['MarkitWire', 65], ['DTCC', 25], ['Paper', 10]]),
  Credit: new Weighted([['DTCC', 85], ['MarkitWire', 10], ['Paper', 5]]),
  FX: new Weighted([['SWIFT', 90], ['Paper', 6], ['DTCC', 4]]),
  Equity: new Weighted([['MarkitWire', 50], ['DTCC', 30], ['Paper', 20]]),
  Commodity: new Weighted([['MarkitWire', 50], ['DTCC', 25], ['Paper', 25]]),
};
const OPS_TEAM: Record<string, string> = { Rates: 'Rates Ops', Credit: 'Credit Ops', FX: 'FX Ops', Equity: 'Equity Ops', Commodity: 'Equity Ops' };

const BREAK_REASON_RATES = new Weighted([['Economic Mismatch', 25], ['Notional Mismatch', 15], ['Rate Mismatch', 25], ['Date Mismatch', 15], ['Missing Trade', 12], ['Legal Terms', 8]]);
const BREAK_REASON_OTHER = new Weighted([['Economic Mismatch', 35], ['Notional Mismatch', 20], ['Date Mismatch', 20], ['Missing Trade', 15], ['Legal Terms', 10]]);
const FAIL_REASON = new Weighted([
  ['Missing SSI', 12], ['Incorrect SSI', 13], ['Insufficient Funds', 10], ['Counterparty Late', 25], ['Cut-off Missed', 17], ['Sanctions Screening', 5], ['Unmatched Instruction', 18],
]);
/** Fail-prone counterparties fail mostly for standing-instruction problems. */
const FAIL_REASON_PRONE = new Weighted([
  ['Missing SSI', 25], ['Incorrect SSI', 25], ['Insufficient Funds', 12], ['Counterparty Late', 18], ['Cut-off Missed', 8], ['Sanctions Screening', 2], ['Unmatched Instruction', 10],
]);
const DISPUTE_REASON = new Weighted([['Valuation Difference', 45], ['Portfolio Mismatch', 20], ['Threshold/MTA', 12], ['Late Call', 10], ['Collateral Eligibility', 13]]);
const CAPTURE_ERRORS = [
  'Booked with the wrong maturity date',
  'Booked against the wrong counterparty entity',
  'Notional keyed with an extra zero',
  'Wrong book: trade booked in the wrong desk book',
  'Fixed rate keyed in basis points instead of percent',
  'Direction booked the wrong way round',
];
const RECON_BREAKS = [
  'Position mismatch between the front-office system and the ledger',
  'Trade missing from the counterparty portfolio reconciliation',
  'Valuation difference above tolerance in portfolio reconciliation',
  'Trade present at the CCP but not in the front-office system',
];

interface ExceptionRec {
  tradeId: number | null;
  cptyId: number;
  type: string;
  severity: string;
  status: string;
  team: string;
  raised: number;
  resolved: number | null;
  amountUsd: number | null;
  description: string;
}

interface NettingAgg {
  cptyId: number;
  ccy: string;
  day: number;
  count: number;
  pay: number;
  receive: number;
}

function money(x: number): string {
  const [int, dec] = x.toFixed(2).split('.');
  return `${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${dec}`;
}

function severityFor(amountUsd: number | null, rng: Prng): string {
  if (amountUsd === null) return rng.pick(['Low', 'Medium', 'Medium', 'High']);
  if (amountUsd >= 50e6) return 'Critical';
  if (amountUsd >= 5e6) return 'High';
  if (amountUsd >= 500e3) return 'Medium';
  return 'Low';
}

/** Whether an exception raised on `raised` is resolved by the as-of date, and when. */
function exceptionOutcome(rng: Prng, raised: number, asOfDay: number, stickiness = 1): { status: string; resolved: number | null } {
  const age = asOfDay - raised;
  const pResolved = age > 30 ? 0.96 : age > 7 ? 0.7 : age > 2 ? 0.4 : 0.12;
  if (rng.chance(pResolved / stickiness)) {
    const resolved = Math.min(asOfDay, raised + Math.min(age, rng.geometric(0.25)));
    return { status: 'Resolved', resolved };
  }
  const u = rng.next();
  const status = age > 14 ? (u < 0.5 ? 'Escalated' : u < 0.85 ? 'In Progress' : 'Open') : u < 0.5 ? 'Open' : u < 0.9 ? 'In Progress' : 'Escalated';
  return { status, resolved: null };
}

class Buffers {
  private readonly bufs = new Map<OpsTable, unknown[][]>();
  readonly counts: TableCounts = {
    counterparties: 0, books: 0, trades: 0, confirmations: 0, settlements: 0, payment_netting: 0, exceptions: 0, margin_calls: 0,
  };
  constructor(private readonly sink: RowSink) {}

  push(table: OpsTable, row: unknown[]): void {
    let b = this.bufs.get(table);
    if (!b) this.bufs.set(table, (b = []));
    b.push(row);
    this.counts[table]++;
  }

  size(table: OpsTable): number {
    return this.bufs.get(table)?.length ?? 0;
  }

  async flush(table: OpsTable): Promise<void> {
    const b = this.bufs.get(table);
    if (!b || b.length === 0) return;
    this.bufs.set(table, []);
    await this.sink.write(table, b);
  }
}

/** Writes one trade's cash flows: status, method, fails, and what netting and exceptions see. */
class CashFlows {
  settlementId = 0;
  tradeId = 0;
  tradeRef = '';
  tradeDay = 0;
  cpty!: Counterparty;
  product = '';
  cleared = false;
  cancelledTrade = false;
  limit = 0;
  emitted = 0;

  constructor(
    private readonly rng: Prng,
    private readonly asOfDay: number,
    private readonly out: Buffers,
    private readonly netting: Map<string, NettingAgg>,
    private readonly missingSsi: Map<number, number>,
    private readonly exceptions: ExceptionRec[],
  ) {}

  begin(tradeId: number, tradeRef: string, tradeDay: number, cpty: Counterparty, product: string, cleared: boolean, cancelled: boolean, limit: number): void {
    this.tradeId = tradeId;
    this.tradeRef = tradeRef;
    this.tradeDay = tradeDay;
    this.cpty = cpty;
    this.product = product;
    this.cleared = cleared;
    this.cancelledTrade = cancelled;
    this.limit = limit;
    this.emitted = 0;
  }

  emit(type: string, day: number, fccy: string, amount: number, dir: string): void {
    const { rng, asOfDay, cpty, cancelledTrade, product, tradeId, tradeRef } = this;
    if (cancelledTrade && this.emitted > 0) return;
    if (day > this.limit || day < this.tradeDay) return;
    if (cancelledTrade && rng.chance(0.6)) return;
    this.emitted++;
    const amt = round2(amount);
    if (amt <= 0) return;
    const amtUsd = round2(amt * USD_PER_UNIT[fccy]!);
    let method: string;
    if (this.cleared) method = 'CCP';
    else if ((type === 'Principal' || type === 'Final Exchange') && (product === 'FX Forward' || product === 'FX Swap')) method = 'CLS';
    else method = cpty.hasNettingAgreement && rng.chance(0.85) ? 'Netted' : 'SWIFT';
    let sstatus: string;
    let settled: number | null = null;
    let fail: string | null = null;
    if (cancelledTrade || rng.chance(0.004)) sstatus = 'Cancelled';
    else if (day > asOfDay) sstatus = 'Pending';
    else {
      const failP = 0.008 * cpty.failMult * (day === asOfDay ? 0.5 : 1);
      if (rng.chance(failP)) {
        sstatus = 'Failed';
        fail = (cpty.failMult > 1 ? FAIL_REASON_PRONE : FAIL_REASON).sample(rng);
      } else if (day === asOfDay && rng.chance(0.45)) {
        sstatus = 'Pending';
      } else {
        sstatus = 'Settled';
        settled = rng.chance(0.04) ? Math.min(asOfDay, addBusinessDays(day, rng.int(1, 3))) : day;
      }
    }
    this.settlementId++;
    this.out.push('settlements', [
      this.settlementId, tradeId, cpty.id, type, isoDate(day), fccy, amt, amtUsd, dir, method, sstatus, settled === null ? null : isoDate(settled), fail,
    ]);
    if (method === 'Netted' && sstatus !== 'Cancelled' && day >= asOfDay - NETTING_BACK_DAYS && day <= asOfDay + NETTING_FORWARD_DAYS) {
      const key = `${day}|${cpty.id}|${fccy}`;
      let agg = this.netting.get(key);
      if (!agg) this.netting.set(key, (agg = { cptyId: cpty.id, ccy: fccy, day, count: 0, pay: 0, receive: 0 }));
      agg.count++;
      if (dir === 'Pay') agg.pay += amt;
      else agg.receive += amt;
    }
    if (sstatus === 'Failed') {
      if (fail === 'Missing SSI') this.missingSsi.set(cpty.id, Math.max(this.missingSsi.get(cpty.id) ?? 0, day));
      if (rng.chance(0.7)) {
        const raised = Math.min(asOfDay, day + (rng.chance(0.3) ? 1 : 0));
        const o = exceptionOutcome(rng, raised, asOfDay);
        this.exceptions.push({
          tradeId, cptyId: cpty.id, type: 'Settlement Fail', severity: severityFor(amtUsd, rng), status: o.status, team: 'Settlements',
          raised, resolved: o.resolved, amountUsd: amtUsd,
          description: `Failed ${dir.toLowerCase()} of ${fccy} ${money(amt)} value ${isoDate(day)} (${fail}) on ${tradeRef}`,
        });
      }
    }

  }
}

/** Number of trades per day over the history window: business days, denser towards the as-of date. */
function tradesPerDay(rng: Prng, n: number, asOfDay: number): { start: number; counts: Int32Array } {
  const start = asOfDay - HISTORY_DAYS;
  const w = new Float64Array(HISTORY_DAYS + 1);
  let total = 0;
  for (let i = 0; i <= HISTORY_DAYS; i++) {
    const day = start + i;
    let x = 0;
    if (isBusinessDay(day) || day === asOfDay) {
      const back = asOfDay - day;
      x = (0.5 + (1 - back / HISTORY_DAYS)) * (0.8 + 0.4 * rng.next());
    }
    w[i] = x;
    total += x;
  }
  const counts = new Int32Array(HISTORY_DAYS + 1);
  let cum = 0;
  let prev = 0;
  for (let i = 0; i <= HISTORY_DAYS; i++) {
    cum += w[i]!;
    const upto = i === HISTORY_DAYS ? n : Math.round((n * cum) / total);
    counts[i] = upto - prev;
    prev = upto;
  }
  // Trades on the as-of date itself, whatever the day of the week, as long as there are enough trades.
  if (counts[HISTORY_DAYS] === 0 && n > 1) {
    for (let i = HISTORY_DAYS - 1; i >= 0; i--) {
      if (counts[i]! > 0) {
        counts[i]!--;
        counts[HISTORY_DAYS]!++;
        break;
      }
    }
  }
  return { start, counts };
}

function addTenor(day: number, months: number): number {
  return months < 1 ? day + Math.round(months * 30) : addMonths(day, months);
}

/** Trades are generated in this many independent slices of the history (each with its own stream). */
export const PARTITIONS = 2;

const mixSeed = (seed: number, k: number): number => (seed ^ Math.imul(k + 1, 0x9e3779b1)) >>> 0;

interface PartitionSpec {
  fromDay: number;
  toDay: number;
  firstTradeId: number;
  /** Trade-reference sequence already used in the year of the first day. */
  seqBefore: number;
}

export interface DemoPlan {
  cptys: Counterparty[];
  books: Book[];
  start: number;
  counts: Int32Array;
  parts: PartitionSpec[];
}

/** The reference data and the number of trades per day: cheap, and the same in every thread. */
export function planDemo(opts: GenerateOptions): DemoPlan {
  const rng = new Prng(opts.seed);
  const cptys = makeCounterparties(rng, opts.trades, opts.asOfDay);
  const books = makeBooks(rng);
  const { start, counts } = tradesPerDay(rng, opts.trades, opts.asOfDay);
  const parts: PartitionSpec[] = [];
  let day = 0;
  let before = 0;
  for (let p = 0; p < PARTITIONS; p++) {
    const target = p === PARTITIONS - 1 ? opts.trades : Math.round((opts.trades * (p + 1)) / PARTITIONS);
    const fromDay = day;
    const firstTradeId = before + 1;
    let seqBefore = 0;
    const year = yearOf(start + fromDay);
    for (let d = fromDay - 1; d >= 0 && yearOf(start + d) === year; d--) seqBefore += counts[d]!;
    while (day < counts.length && (before < target || p === PARTITIONS - 1)) before += counts[day++]!;
    parts.push({ fromDay, toDay: day, firstTradeId, seqBefore });
  }
  return { cptys, books, start, counts, parts };
}

/** What one slice of trades leaves for the tables built afterwards. */
export interface PartitionResult {
  trades: number;
  confirmations: number;
  settlements: number;
  netting: NettingAgg[];
  missingSsi: Array<[number, number]>;
  exceptions: ExceptionRec[];
}

/** A slice generated elsewhere (a worker thread writing its own file), merged once it is done. */
export interface RemotePartition {
  /** Undefined when the slice could not be built elsewhere: it is then built in this thread. */
  result: Promise<PartitionResult | undefined>;
  /** Appends the slice's rows to the target, settlement ids shifted by `settlementIdBase`. */
  merge(settlementIdBase: number): Promise<void> | void;
  cancel(): Promise<void> | void;
}

/** Generates the whole database into `sink` and returns the row counts. */
export async function generateDemoData(
  opts: GenerateOptions,
  sink: RowSink,
  checkpoint?: () => Promise<void>,
  remote?: (partition: number) => RemotePartition | undefined,
): Promise<TableCounts> {
  const { asOfDay } = opts;
  const plan = planDemo(opts);
  const { cptys } = plan;
  const out = new Buffers(sink);
  for (const c of cptys) out.push('counterparties', counterpartyRow(c));
  for (const b of plan.books) out.push('books', bookRow(b));
  await out.flush('counterparties');
  await out.flush('books');

  const remotes = new Map<number, RemotePartition>();
  try {
    for (let p = 1; p < PARTITIONS; p++) {
      const r = remote?.(p);
      if (r) remotes.set(p, r);
    }
    const results: PartitionResult[] = [];
    let settlementBase = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      const r = remotes.get(p);
      let res = r ? await r.result : undefined;
      if (r && res) {
        await r.merge(settlementBase);
        if (checkpoint) await checkpoint();
      } else {
        res = await generatePartition(opts, plan, p, sink, settlementBase, checkpoint);
      }
      results.push(res);
      settlementBase += res.settlements;
    }
    out.counts.trades = results.reduce((a, r) => a + r.trades, 0);
    out.counts.confirmations = results.reduce((a, r) => a + r.confirmations, 0);
    out.counts.settlements = settlementBase;
    return await generateTail(opts, plan, results, out);
  } catch (e) {
    for (const r of remotes.values()) await r.cancel();
    throw e;
  }
}

/** One slice of the trade history: trades, their confirmations and cash flows. */
export async function generatePartition(
  opts: GenerateOptions,
  plan: DemoPlan,
  partition: number,
  sink: RowSink,
  settlementIdBase: number,
  checkpoint?: () => Promise<void>,
): Promise<PartitionResult> {
  const { asOfDay } = opts;
  const { books, cptys, start, counts } = plan;
  const spec = plan.parts[partition]!;
  const rng = new Prng(mixSeed(opts.seed, partition));
  const out = new Buffers(sink);
  const bookPick = new Weighted<Book>(books.map((b) => [b, b.weight] as const));
  // Counterparty choice depends on the asset class (corporates trade FX and commodities, funds credit...).
  const affinity: Record<string, Record<string, number>> = {
    Rates: { Bank: 1.2, 'Hedge Fund': 1, 'Asset Manager': 1, Insurance: 1.5, 'Pension Fund': 1.8, Corporate: 0.6, Sovereign: 1.5 },
    Credit: { Bank: 1.2, 'Hedge Fund': 1.8, 'Asset Manager': 1.2, Insurance: 0.8, 'Pension Fund': 0.3, Corporate: 0.1, Sovereign: 0.05 },
    FX: { Bank: 1, 'Hedge Fund': 1, 'Asset Manager': 1, Insurance: 0.5, 'Pension Fund': 0.6, Corporate: 2.2, Sovereign: 1.2 },
    Equity: { Bank: 1, 'Hedge Fund': 2, 'Asset Manager': 1.3, Insurance: 0.5, 'Pension Fund': 0.4, Corporate: 0.2, Sovereign: 0.05 },
    Commodity: { Bank: 0.8, 'Hedge Fund': 1.4, 'Asset Manager': 0.4, Insurance: 0.1, 'Pension Fund': 0.1, Corporate: 3, Sovereign: 0.05 },
  };
  const cptyPick: Record<string, Weighted<Counterparty>> = {};
  for (const ac of Object.keys(affinity)) cptyPick[ac] = new Weighted(cptys.map((c) => [c, c.weight * affinity[ac]![c.sector]!] as const));
  const anchor = cptys.filter((c) => c.active).sort((a, b) => a.onboardDay - b.onboardDay)[0]!;

  const exceptions: ExceptionRec[] = [];
  const netting = new Map<string, NettingAgg>();
  const missingSsi = new Map<number, number>();

  let tradeId = spec.firstTradeId - 1;
  const flows = new CashFlows(rng, asOfDay, out, netting, missingSsi, exceptions);
  flows.settlementId = settlementIdBase;
  let seqYear = yearOf(start + spec.fromDay);
  let seq = spec.seqBefore;
  const times: number[] = [];

  const flushChunk = async (): Promise<void> => {
    await out.flush('trades');
    await out.flush('confirmations');
    await out.flush('settlements');
    if (checkpoint) await checkpoint();
  };

  for (let di = spec.fromDay; di < spec.toDay; di++) {
    const n = counts[di]!;
    if (n === 0) continue;
    const tradeDay = start + di;
    const tradeIso = isoDate(tradeDay);
    const year = yearOf(tradeDay);
    times.length = 0;
    for (let k = 0; k < n; k++) times.push(25_200 + Math.floor(rng.next() * 45_000));
    times.sort((a, b) => a - b);

    for (let k = 0; k < n; k++) {
      tradeId++;
      if (year !== seqYear) {
        seqYear = year;
        seq = 0;
      }
      seq++;
      const tradeRef = `OTC-${year}-${String(seq).padStart(7, '0')}`;
      const book = bookPick.sample(rng);
      const ac = book.assetClass;
      const product = (FX_DESK_PRODUCTS[book.desk] ?? PRODUCTS[ac]!).sample(rng);

      let cpty = cptyPick[ac]!.sample(rng);
      for (let tries = 0; tries < 8 && (cpty.onboardDay > tradeDay || cpty.offboardDay <= tradeDay); tries++) cpty = cptyPick[ac]!.sample(rng);
      if (cpty.onboardDay > tradeDay || cpty.offboardDay <= tradeDay) cpty = anchor;

      let ccy = book.region === 'APAC' && ac !== 'Commodity' && rng.chance(0.5) ? APAC_CCY.sample(rng) : CCY_BY_DESK[book.desk]!.sample(rng);
      if (product === 'NDF') ccy = rng.chance(0.85) ? 'USD' : 'EUR';
      if (product === 'Cross Currency Swap' && ccy === 'USD') ccy = rng.pick(['EUR', 'GBP', 'JPY', 'AUD', 'CAD', 'CHF']);
      const usdRate = USD_PER_UNIT[ccy]!;

      // Notional: lognormal with a heavy tail, rounded the way traders quote it.
      let usd = MEDIAN_NOTIONAL[product]! * Math.exp(0.95 * rng.normal()) * (0.6 + 0.8 * cpty.size);
      if (rng.chance(0.015)) usd *= 3 + 12 * rng.next();
      usd = Math.min(Math.max(usd, 250_000), 3e9);
      const raw = usd / usdRate;
      const step = Math.pow(10, Math.floor(Math.log10(raw)) - (rng.chance(0.3) ? 2 : 1));
      const notional = Math.max(step, Math.round(raw / step) * step);
      const notionalUsd = round2(notional * usdRate);

      // Dates.
      const spot = product === 'CDS Single Name' || product === 'CDS Index' ? tradeDay + 1 : addBusinessDays(tradeDay, 2);
      let effective = spot;
      let maturity: number;
      if (product === 'CDS Single Name' || product === 'CDS Index') {
        maturity = cdsMaturity(tradeDay, CDS_YEARS.sample(rng));
      } else if (product === 'FRA') {
        effective = rollForward(addMonths(spot, rng.pick([1, 3, 6, 9])));
        maturity = rollForward(addMonths(effective, TENOR.FRA!.sample(rng)));
      } else {
        if (product === 'Interest Rate Swap' && rng.chance(0.1)) effective = rollForward(addMonths(spot, rng.pick([3, 6, 12])));
        maturity = rollForward(addTenor(effective, TENOR[product]!.sample(rng)));
      }
      if (maturity <= effective) maturity = addBusinessDays(effective, 1);

      const direction = PAY_RECEIVE.has(product) ? (rng.chance(0.5) ? 'Pay' : 'Receive') : rng.chance(0.55) ? 'Buy' : 'Sell';
      let fixedRate: number | null = null;
      if (RATE_PRODUCTS.has(product)) {
        const drift = -0.6 * ((asOfDay - tradeDay) / 365);
        fixedRate = Math.round(Math.max(0.05, RATE_LEVEL[ccy]! + drift + 0.45 * rng.normal()) * 10_000) / 10_000;
      } else if (product === 'CDS Single Name' || product === 'CDS Index') {
        fixedRate = cpty.rating === 'BB' || cpty.rating === 'B' || rng.chance(0.2) ? 5 : 1;
      }
      const trader = rng.pick(book.traders);
      const venue = (ac === 'Rates' ? (ccy === 'USD' ? VENUE.RatesUSD : VENUE.Rates) : VENUE[ac])!.sample(rng);
      let clearP = CLEARING_RATE[product] ?? 0;
      if (cpty.sector === 'Corporate' || cpty.sector === 'Sovereign') clearP *= 0.1;
      const cleared = clearP > 0 && rng.chance(clearP);
      const ccp = cleared ? (product.startsWith('CDS') || product === 'NDF' ? 'LCH' : (CCP_BY_CCY[ccy] ?? CCP_BY_CCY.OTHER)!.sample(rng)) : null;

      // Life cycle up to the as-of date.
      let status: string;
      let endDay: number;
      if (rng.chance(0.012)) {
        status = 'Cancelled';
        endDay = tradeDay;
      } else if (!cpty.active && maturity >= cpty.offboardDay) {
        status = 'Novated';
        endDay = Math.max(tradeDay, Math.min(asOfDay, cpty.offboardDay - 1));
      } else if (maturity < asOfDay) {
        const u = rng.next();
        status = u < 0.93 ? 'Matured' : u < 0.98 ? 'Terminated' : 'Novated';
        endDay = status === 'Matured' ? maturity : tradeDay + Math.floor((maturity - tradeDay) * rng.next());
      } else {
        const u = asOfDay - tradeDay > 5 ? rng.next() : 0;
        status = u < 0.94 ? 'Live' : u < 0.975 ? 'Terminated' : 'Novated';
        endDay = status === 'Live' ? maturity : tradeDay + 1 + Math.floor((asOfDay - tradeDay - 1) * rng.next());
      }
      const source = SOURCE_BY_DESK[book.desk]!.sample(rng);
      const t = times[k]!;
      const createdAt = `${tradeIso} ${String(Math.floor(t / 3600)).padStart(2, '0')}:${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;

      out.push('trades', [
        tradeId, tradeRef, cpty.id, book.id, ac, product, tradeIso, isoDate(effective), isoDate(maturity), direction,
        notional, ccy, notionalUsd, fixedRate, trader, venue, cleared ? 1 : 0, ccp, status, source, createdAt,
      ]);

      // Confirmation.
      const team = OPS_TEAM[ac]!;
      const analysts = ANALYSTS[team]!;
      const analyst = rng.chance(0.8) ? analysts[cpty.id % analysts.length]! : rng.pick(analysts);
      let platform = PLATFORM[ac]!.sample(rng);
      if (cleared && platform === 'Paper') platform = ac === 'FX' ? 'SWIFT' : 'MarkitWire';
      else if (!cleared && (cpty.sector === 'Corporate' || cpty.sector === 'Sovereign') && rng.chance(0.3)) platform = 'Paper';
      const paper = platform === 'Paper';
      const sentDay = Math.min(asOfDay, paper ? addBusinessDays(tradeDay, rng.int(1, 3)) : tradeDay);
      if (status === 'Cancelled') {
        out.push('confirmations', [tradeId, tradeId, platform, 'Cancelled', isoDate(sentDay), null, 0, null, analyst]);
      } else {
        const problem = rng.chance(0.012 * cpty.confirmBreakMult * (paper ? 2 : 1));
        let lag = cleared ? rng.geometric(0.8) : paper ? 2 + rng.geometric(0.15) : rng.geometric(0.55);
        if (problem) lag += 5 + rng.geometric(0.05);
        const matchDay = addBusinessDays(sentDay, lag);
        const age = asOfDay - sentDay;
        let reason: string | null = null;
        if (matchDay <= asOfDay) {
          const chasers = lag > 1 ? Math.floor(lag / 2) + rng.int(0, 1) : 0;
          out.push('confirmations', [tradeId, tradeId, platform, 'Matched', isoDate(sentDay), isoDate(matchDay), chasers, null, analyst]);
          if (problem) {
            reason = (fixedRate !== null && RATE_PRODUCTS.has(product) ? BREAK_REASON_RATES : BREAK_REASON_OTHER).sample(rng);
            const raised = Math.min(matchDay, addBusinessDays(sentDay, rng.int(1, 3)));
            exceptions.push({
              tradeId, cptyId: cpty.id, type: 'Confirmation Break', severity: severityFor(notionalUsd / 20, rng), status: 'Resolved', team,
              raised, resolved: matchDay, amountUsd: rng.chance(0.7) ? round2(notionalUsd * 0.01 * (0.1 + rng.next())) : null,
              description: `${reason} on ${product} ${tradeRef}, resolved after ${lag} business days`,
            });
          }
        } else {
          let cstatus: string;
          if (age <= 1 && !(problem && age === 1 && rng.chance(0.5))) cstatus = 'Pending';
          else if (problem) cstatus = rng.chance(0.6) ? 'Unmatched' : 'Disputed';
          else cstatus = age <= 3 || rng.chance(0.6) ? 'Pending' : 'Unmatched';
          if (cstatus !== 'Pending') reason = cstatus === 'Unmatched' && !problem ? 'Missing Trade' : (fixedRate !== null && RATE_PRODUCTS.has(product) ? BREAK_REASON_RATES : BREAK_REASON_OTHER).sample(rng);
          const bizAge = Math.max(0, Math.floor((age * 5) / 7));
          const chasers = Math.min(40, Math.floor(bizAge * 0.6) + (bizAge > 0 ? rng.int(0, 2) : 0));
          out.push('confirmations', [tradeId, tradeId, platform, cstatus, isoDate(sentDay), null, chasers, reason, analyst]);
          if (reason !== null && rng.chance(0.9)) {
            const raised = Math.min(asOfDay, addBusinessDays(sentDay, rng.int(1, 2)));
            const o = exceptionOutcome(rng, raised, asOfDay, 1e9);
            exceptions.push({
              tradeId, cptyId: cpty.id, type: 'Confirmation Break', severity: severityFor(notionalUsd / 20, rng), status: o.status, team,
              raised, resolved: null, amountUsd: rng.chance(0.7) ? round2(notionalUsd * 0.01 * (0.1 + rng.next())) : null,
              description: `${reason} on ${product} ${tradeRef} with ${cpty.shortName}; confirmation ${cstatus.toLowerCase()} since ${isoDate(sentDay)}`,
            });
          }
        }
      }

      const cancelledTrade = status === 'Cancelled';
      // Cash flows from the bank's side, up to a few weeks after the as-of date.
      const horizon = asOfDay + SETTLEMENT_HORIZON_DAYS;
      const limit = cancelledTrade ? horizon : Math.min(status === 'Live' || status === 'Matured' ? maturity : endDay, horizon);
      const payFirst = direction === 'Pay' || direction === 'Buy';
      flows.begin(tradeId, tradeRef, tradeDay, cpty, product, cleared, cancelledTrade, limit);
      const flow = flows;
      const other = ccy === 'USD' ? (rng.chance(0.6) ? 'EUR' : rng.pick(['JPY', 'GBP', 'CAD', 'AUD'])) : 'USD';
      const otherAmount = (notional * usdRate) / USD_PER_UNIT[other]!;
      const pay = payFirst ? 'Pay' : 'Receive';
      const recv = payFirst ? 'Receive' : 'Pay';
      switch (product) {
        case 'Interest Rate Swap':
        case 'OIS':
        case 'Cross Currency Swap':
        case 'Equity Swap':
        case 'Commodity Swap': {
          const freq = product === 'OIS' ? 12 : product === 'Equity Swap' || product === 'Commodity Swap' ? 3 : ccy === 'EUR' ? 12 : 6;
          if (product === 'Cross Currency Swap') {
            flow.emit('Principal', effective, ccy, notional, recv);
            flow.emit('Principal', effective, other, otherAmount, pay);
          }
          if (rng.chance(0.05)) flow.emit('Upfront', spot, ccy, notional * 0.002 * (0.2 + rng.next()), (rng.chance(0.5) ? pay : recv));
          const rate = (fixedRate ?? 2) / 100;
          for (let p = 1; ; p++) {
            const d = rollForward(addMonths(effective, p * freq));
            const last = d >= maturity;
            const day = last ? maturity : d;
            if (day > limit) break;
            flow.emit('Coupon', day, ccy, notional * rate * (freq / 12) * (0.05 + 0.35 * rng.next()), (rng.chance(0.55) ? pay : recv));
            if (last) break;
          }
          if (product === 'Cross Currency Swap') {
            flow.emit('Final Exchange', maturity, ccy, notional, pay);
            flow.emit('Final Exchange', maturity, other, otherAmount, recv);
          }
          break;
        }
        case 'FRA':
          flow.emit('Coupon', effective, ccy, notional * 0.0025 * (0.1 + 1.5 * rng.next()), (rng.chance(0.5) ? pay : recv));
          break;
        case 'CDS Single Name':
        case 'CDS Index': {
          flow.emit('Upfront', addBusinessDays(tradeDay, 3), ccy, notional * 0.03 * rng.next(), (rng.chance(0.6) ? pay : recv));
          const coupon = (fixedRate ?? 1) / 100 / 4;
          // Quarterly coupons on the 20th of March, June, September and December.
          let d = addMonths(tradeDay, 1);
          for (let q = 0; q < 60; q++) {
            const dt = new Date(d * 86_400_000);
            const m = dt.getUTCMonth();
            const qm = m - (m % 3) + 2;
            let cd = Math.round(Date.UTC(dt.getUTCFullYear(), qm, 20) / 86_400_000);
            if (cd < d) cd = Math.round(Date.UTC(dt.getUTCFullYear(), qm + 3, 20) / 86_400_000);
            const day = rollForward(cd);
            if (day > limit || cd > maturity) break;
            flow.emit('Coupon', day, ccy, notional * coupon, pay);
            d = cd + 1;
          }
          break;
        }
        case 'FX Forward':
          flow.emit('Principal', maturity, ccy, notional, recv);
          flow.emit('Principal', maturity, other, otherAmount * (0.98 + 0.04 * rng.next()), pay);
          break;
        case 'FX Swap':
          flow.emit('Principal', effective, ccy, notional, recv);
          flow.emit('Principal', effective, other, otherAmount, pay);
          flow.emit('Final Exchange', maturity, ccy, notional, pay);
          flow.emit('Final Exchange', maturity, other, otherAmount * (1 + 0.01 * rng.normal()), recv);
          break;
        case 'NDF':
          flow.emit('Final Exchange', maturity, 'USD', notionalUsd * 0.03 * rng.next(), (rng.chance(0.5) ? pay : recv));
          break;
        default:
          if (OPTIONS.has(product)) flow.emit('Premium', addBusinessDays(tradeDay, 2), ccy, notional * (0.003 + 0.03 * rng.next()), payFirst ? 'Pay' : 'Receive');
      }
      if (venue === 'Voice' && rng.chance(0.3)) flow.emit('Fee', addBusinessDays(tradeDay, 5), ccy, notional * 0.00005 * (1 + rng.next()), 'Pay');
      if (status === 'Terminated' || status === 'Novated') flow.emit('Fee', endDay, ccy, notional * 0.01 * (0.1 + rng.next()), (rng.chance(0.5) ? pay : recv));

      // Occasional trade-level breaks from reconciliations and trade capture.
      if (!cancelledTrade && rng.chance(0.002)) {
        const raised = Math.min(asOfDay, tradeDay + rng.geometric(0.01));
        const o = exceptionOutcome(rng, raised, asOfDay);
        const amountUsd = rng.chance(0.6) ? round2(notionalUsd * (0.001 + 0.05 * rng.next())) : null;
        exceptions.push({
          tradeId, cptyId: cpty.id, type: 'Reconciliation Break', severity: severityFor(amountUsd, rng), status: o.status, team, raised, resolved: o.resolved,
          amountUsd, description: `${rng.pick(RECON_BREAKS)}: ${tradeRef} (${product}, ${source})`,
        });
      }
      if (rng.chance(0.0015)) {
        const raised = Math.min(asOfDay, tradeDay + rng.int(0, 2));
        const o = exceptionOutcome(rng, raised, asOfDay);
        const amountUsd = rng.chance(0.3) ? notionalUsd : null;
        exceptions.push({
          tradeId, cptyId: cpty.id, type: 'Trade Capture Error', severity: severityFor(amountUsd, rng), status: o.status, team, raised, resolved: o.resolved,
          amountUsd, description: `${rng.pick(CAPTURE_ERRORS)}: ${tradeRef} booked by ${trader} in ${book.code}`,
        });
      }

      if (out.size('trades') >= CHUNK) await flushChunk();
    }
  }
  await flushChunk();
  return {
    trades: tradeId - spec.firstTradeId + 1,
    confirmations: out.counts.confirmations,
    settlements: flows.settlementId - settlementIdBase,
    netting: [...netting.values()],
    missingSsi: [...missingSsi.entries()],
    exceptions,
  };
}

/** Margin calls, payment netting and the exceptions queue, from what the trade slices left. */
async function generateTail(opts: GenerateOptions, plan: DemoPlan, parts: PartitionResult[], out: Buffers): Promise<TableCounts> {
  const { asOfDay } = opts;
  const { cptys } = plan;
  const rng = new Prng(mixSeed(opts.seed, 1000));
  const exceptions: ExceptionRec[] = parts.flatMap((p) => p.exceptions);
  const netting = new Map<string, NettingAgg>();
  for (const p of parts) {
    for (const g of p.netting) {
      const key = `${g.day}|${g.cptyId}|${g.ccy}`;
      const agg = netting.get(key);
      if (!agg) netting.set(key, { ...g });
      else {
        agg.count += g.count;
        agg.pay += g.pay;
        agg.receive += g.receive;
      }
    }
  }
  const missingSsi = new Map<number, number>();
  for (const p of parts) for (const [id, day] of p.missingSsi) missingSsi.set(id, Math.max(missingSsi.get(id) ?? 0, day));

  // Margin calls: daily-ish per counterparty with a CSA over the recent months.
  const csaCptys = cptys.filter((c) => c.active && c.hasCsa);
  let marginId = 0;
  for (let day = asOfDay - MARGIN_BACK_DAYS; day <= asOfDay; day++) {
    if (!isBusinessDay(day)) continue;
    const bizAge = Math.round(((asOfDay - day) * 5) / 7);
    for (const c of csaCptys) {
      if (c.onboardDay > day) continue;
      for (const type of ['VM', 'IM'] as const) {
        if (type === 'IM' && !c.hasIm) continue;
        if (!rng.chance(type === 'VM' ? 0.15 + 0.6 * c.size : 0.05)) continue;
        marginId++;
        const ccy = rng.chance(0.85) ? c.csaCurrency : 'USD';
        const callAmt = round2((type === 'VM' ? 1.5e6 : 8e6) * (0.3 + 1.7 * c.size) * Math.exp(0.9 * rng.normal()));
        const dir = rng.chance(0.5) ? 'Issued' : 'Received';
        const disputeP = 0.035 * c.disputeMult;
        let mstatus: string;
        let agreed: number | null = null;
        let reason: string | null = null;
        let settled: number | null = null;
        const disputed = rng.chance(disputeP);
        if (disputed && (bizAge <= 20 || rng.chance(0.15))) {
          mstatus = 'Disputed';
          agreed = round2(callAmt * (0.3 + 0.65 * rng.next()));
          reason = DISPUTE_REASON.sample(rng);
        } else if (bizAge === 0) {
          mstatus = rng.chance(0.6) ? 'Pending' : 'Agreed';
        } else if (bizAge === 1 && rng.chance(0.5)) {
          mstatus = rng.chance(0.15) ? 'Pending' : 'Agreed';
        } else {
          mstatus = 'Settled';
          settled = Math.min(asOfDay, addBusinessDays(day, disputed ? rng.int(3, 15) : rng.chance(0.9) ? 1 : 2));
          agreed = disputed ? round2(callAmt * (0.5 + 0.5 * rng.next())) : callAmt;
        }
        if (mstatus === 'Agreed') agreed = callAmt;
        out.push('margin_calls', [
          marginId, c.id, isoDate(day), dir, type, ccy, callAmt, agreed, mstatus, reason, settled === null ? null : isoDate(settled),
        ]);
        if (disputed) {
          const raised = Math.min(asOfDay, addBusinessDays(day, rng.int(0, 1)));
          const o = mstatus === 'Disputed' ? exceptionOutcome(rng, raised, asOfDay, 1e9) : { status: 'Resolved', resolved: Math.max(raised, settled!) };
          const amountUsd = round2(callAmt - agreed!);
          exceptions.push({
            tradeId: null, cptyId: c.id, type: 'Collateral Dispute', severity: severityFor(amountUsd, rng), status: o.status, team: 'Collateral Ops',
            raised, resolved: o.resolved, amountUsd: amountUsd > 0 ? amountUsd : null,
            description: `${type} call ${dir.toLowerCase()} ${isoDate(day)} with ${c.shortName}: ${reason ?? 'disputed amount'} (call USD ${money(callAmt)})`,
          });
        }
        if (out.size('margin_calls') >= CHUNK) await out.flush('margin_calls');
      }
    }
  }
  await out.flush('margin_calls');

  // Payment netting: one group per counterparty, currency and value date.
  const groups = [...netting.values()].sort((a, b) => a.day - b.day || a.cptyId - b.cptyId || (a.ccy < b.ccy ? -1 : a.ccy > b.ccy ? 1 : 0));
  const cptyById = new Map(cptys.map((c) => [c.id, c]));
  let nettingId = 0;
  for (const g of groups) {
    const c = cptyById.get(g.cptyId)!;
    const grossPay = round2(g.pay);
    const grossReceive = round2(g.receive);
    const net = round2(grossReceive - grossPay);
    const ahead = g.day - asOfDay;
    const mismatchP = 0.035 * c.nettingMismatchMult * (ahead > 2 ? 0.5 : 1);
    let nstatus: string;
    if (rng.chance(mismatchP)) nstatus = 'Mismatch';
    else if (ahead < 0) nstatus = 'Agreed';
    else if (ahead <= 2) nstatus = rng.chance(ahead === 0 ? 0.8 : 0.55) ? 'Agreed' : 'Pending';
    else nstatus = rng.chance(0.13) ? 'Agreed' : 'Pending';
    let theirs: number | null = null;
    let breakAmt = 0;
    if (nstatus === 'Agreed') theirs = net;
    else if (nstatus === 'Mismatch') {
      const scale = Math.max(grossPay, grossReceive);
      let delta = rng.chance(0.6) ? scale * (0.01 + 0.3 * rng.next()) : 10 + 4990 * rng.next();
      if (rng.chance(0.5)) delta = -delta;
      theirs = round2(net + delta);
      breakAmt = round2(Math.abs(net - theirs));
      if (breakAmt === 0) {
        theirs = round2(net + 0.01);
        breakAmt = 0.01;
      }
    }
    nettingId++;
    out.push('payment_netting', [nettingId, g.cptyId, g.ccy, isoDate(g.day), g.count, grossPay, grossReceive, net, theirs, breakAmt, nstatus]);
    if (nstatus === 'Mismatch') {
      const raised = Math.min(asOfDay, g.day - (ahead > 0 ? rng.int(1, 2) : 0));
      const o = ahead >= 0 ? { status: rng.pick(['Open', 'In Progress']), resolved: null } : exceptionOutcome(rng, raised, asOfDay);
      const amountUsd = round2(breakAmt * USD_PER_UNIT[g.ccy]!);
      exceptions.push({
        tradeId: null, cptyId: g.cptyId, type: 'Netting Mismatch', severity: severityFor(amountUsd, rng), status: o.status, team: 'Settlements',
        raised, resolved: o.resolved, amountUsd,
        description: `Netting break with ${c.shortName} for ${g.ccy} value ${isoDate(g.day)}: our net ${money(net)}, theirs ${money(theirs!)}`,
      });
    }
    if (out.size('payment_netting') >= CHUNK) await out.flush('payment_netting');
  }
  await out.flush('payment_netting');

  // Counterparty-level standing-instruction problems.
  for (const c of cptys) {
    const lastMissing = missingSsi.get(c.id);
    if (lastMissing === undefined) continue;
    const raised = Math.min(asOfDay, lastMissing + 1);
    const o = exceptionOutcome(rng, raised, asOfDay);
    exceptions.push({
      tradeId: null, cptyId: c.id, type: 'Missing SSI', severity: rng.pick(['Medium', 'High']), status: o.status, team: 'Settlements',
      raised, resolved: o.resolved, amountUsd: null,
      description: `No standing settlement instructions on file for ${c.shortName} (${c.lei}); payments failing`,
    });
  }

  exceptions.sort((a, b) => a.raised - b.raised);
  let exceptionId = 0;
  for (const e of exceptions) {
    exceptionId++;
    const resolved = e.status === 'Resolved' ? Math.max(e.raised, Math.min(asOfDay, e.resolved ?? e.raised)) : null;
    out.push('exceptions', [
      exceptionId, e.tradeId, e.cptyId, e.type, e.severity, e.status, e.team, isoDate(e.raised), resolved === null ? null : isoDate(resolved), e.amountUsd, e.description.slice(0, 400),
    ]);
    if (out.size('exceptions') >= CHUNK) await out.flush('exceptions');
  }
  await out.flush('exceptions');
  return out.counts;
}
