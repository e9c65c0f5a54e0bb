/**
 * The slowly changing reference data of the demo bank: counterparties (with the hidden traits
 * that make their operations behaviour differ: fail-prone, netting-mismatch-prone, disputes)
 * and trading books across desks and locations.
 */
import { addMonths, isoDate } from './dates.js';
import { Prng, Weighted } from './prng.js';
import { LEGAL_SUFFIXES, NAME_STEMS, SECTOR_CORES, TRADERS } from './vocab.js';

export interface Counterparty {
  id: number;
  lei: string;
  legalName: string;
  shortName: string;
  sector: string;
  country: string;
  rating: string;
  active: boolean;
  onboardDay: number;
  /** First day it may no longer trade (off-boarded); Infinity when active. */
  offboardDay: number;
  /** Relative trading volume. */
  weight: number;
  /** 0..1, its size rank among counterparties (1 = largest). */
  size: number;
  failMult: number;
  nettingMismatchMult: number;
  disputeMult: number;
  confirmBreakMult: number;
  hasNettingAgreement: boolean;
  hasCsa: boolean;
  hasIm: boolean;
  csaCurrency: string;
}

export interface Book {
  id: number;
  code: string;
  desk: string;
  assetClass: string;
  region: string;
  legalEntity: string;
  weight: number;
  traders: readonly string[];
}

const SECTOR_WEIGHTS = new Weighted<string>([
  ['Bank', 22], ['Hedge Fund', 22], ['Asset Manager', 20], ['Insurance', 10], ['Pension Fund', 8], ['Corporate', 13], ['Sovereign', 5],
]);
const COUNTRY_WEIGHTS = new Weighted<string>([
  ['US', 25], ['GB', 20], ['DE', 8], ['FR', 7], ['CH', 6], ['NL', 5], ['JP', 8], ['SG', 5], ['CA', 5], ['AU', 4], ['IE', 4], ['LU', 3],
]);
const RATING_BY_SECTOR: Record<string, Weighted<string>> = {
  Bank: new Weighted([['AA', 25], ['A', 45], ['BBB', 25], ['BB', 5]]),
  'Hedge Fund': new Weighted([['A', 5], ['BBB', 25], ['BB', 40], ['B', 30]]),
  'Asset Manager': new Weighted([['AA', 15], ['A', 40], ['BBB', 35], ['BB', 10]]),
  Insurance: new Weighted([['AA', 30], ['A', 50], ['BBB', 20]]),
  'Pension Fund': new Weighted([['AAA', 20], ['AA', 50], ['A', 30]]),
  Corporate: new Weighted([['A', 20], ['BBB', 45], ['BB', 25], ['B', 10]]),
  Sovereign: new Weighted([['AAA', 40], ['AA', 40], ['A', 20]]),
};
const CSA_CCY: Record<string, string> = {
  US: 'USD', CA: 'USD', GB: 'GBP', JP: 'USD', SG: 'USD', AU: 'USD', DE: 'EUR', FR: 'EUR', NL: 'EUR', IE: 'EUR', LU: 'EUR', CH: 'EUR',
};

/** Legal forms used by funds and partnerships only. */
const FUND_FORMS = new Set(['LP', 'LLP', 'ICAV', 'SICAV']);

const LEI_CHARS = '0123456789ABCDEFGHIJKLMNPQRSTUVWXYZ';

/** An ISO 17442 LEI: 18 characters and two MOD 97-10 check digits. */
function makeLei(rng: Prng): string {
  let body = '';
  for (let i = 0; i < 4; i++) body += LEI_CHARS[rng.int(0, 9)];
  body += '00';
  for (let i = 0; i < 12; i++) body += LEI_CHARS[rng.int(0, LEI_CHARS.length - 1)];
  let rem = 0;
  for (const ch of body + '00') {
    const v = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of v) rem = (rem * 10 + Number(digit)) % 97;
  }
  const check = 98 - rem;
  return body + String(check).padStart(2, '0');
}

/** Picks `k` distinct indexes out of n. */
function pickSet(rng: Prng, n: number, k: number): Set<number> {
  const idx = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  return new Set(idx.slice(0, k));
}

export function counterpartyCount(trades: number): number {
  return Math.max(30, Math.min(300, Math.round(trades / 400)));
}

export function makeCounterparties(rng: Prng, trades: number, asOfDay: number): Counterparty[] {
  const n = counterpartyCount(trades);
  const usedShort = new Set<string>();
  const usedLei = new Set<string>();
  const failProne = pickSet(rng, n, Math.round(n * 0.2));
  const nettingProne = pickSet(rng, n, Math.round(n * 0.15));
  const disputeProne = pickSet(rng, n, Math.round(n * 0.15));
  const confirmProne = pickSet(rng, n, Math.round(n * 0.15));
  // Volume rank: a Zipf-like spread, so a few names carry most of the flow.
  const ranks = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  // Some relationships were off-boarded (never the five largest).
  const offboarded = new Set(rng.shuffle(ranks.map((r, i) => (r >= 5 ? i : -1)).filter((i) => i >= 0)).slice(0, Math.max(2, Math.round(n * 0.08))));
  const out: Counterparty[] = [];
  for (let i = 0; i < n; i++) {
    const sector = SECTOR_WEIGHTS.sample(rng);
    const country = sector === 'Sovereign' ? rng.pick(['SG', 'NL', 'AU', 'CA', 'IE', 'LU', 'CH']) : COUNTRY_WEIGHTS.sample(rng);
    let shortName = '';
    let legalName = '';
    for (let attempt = 0; ; attempt++) {
      const stem = rng.pick(NAME_STEMS);
      const core = rng.pick(SECTOR_CORES[sector]!);
      shortName = `${stem} ${core[0]}`;
      if (attempt > 200) shortName = `${shortName} ${country} ${i + 1}`;
      if (usedShort.has(shortName)) continue;
      const forms = LEGAL_SUFFIXES[country]!.filter((f) => FUND_FORMS.has(f) === (sector === 'Hedge Fund' || sector === 'Asset Manager') || (!FUND_FORMS.has(f) && sector !== 'Pension Fund'));
      const suffix = sector === 'Sovereign' || sector === 'Pension Fund' || forms.length === 0 ? '' : ` ${rng.pick(forms)}`;
      legalName = `${stem} ${core[1]}${suffix}`;
      break;
    }
    usedShort.add(shortName);
    let lei = makeLei(rng);
    while (usedLei.has(lei)) lei = makeLei(rng);
    usedLei.add(lei);
    const rank = ranks[i]!;
    const top = rank < 5;
    const active = !offboarded.has(i);
    // Most relationships predate the trade history; some were onboarded during it.
    const recent = !top && rng.chance(0.18);
    let onboardDay = recent ? asOfDay - rng.int(60, 1000) : asOfDay - rng.int(1200, 6500);
    let offboardDay = Number.POSITIVE_INFINITY;
    if (!active) {
      offboardDay = asOfDay - rng.int(30, 700);
      onboardDay = Math.min(onboardDay, offboardDay - rng.int(365, 3000));
    }
    const weight = (1 / Math.pow(rank + 3, 0.9)) * (recent ? 0.5 : 1) * (sector === 'Sovereign' ? 0.5 : 1);
    const hasCsa = sector !== 'Corporate' ? rng.chance(0.9) : rng.chance(0.4);
    out.push({
      id: i + 1,
      lei,
      legalName,
      shortName,
      sector,
      country,
      rating: RATING_BY_SECTOR[sector]!.sample(rng),
      active,
      onboardDay,
      offboardDay,
      weight,
      size: 1 - rank / n,
      failMult: failProne.has(i) ? 5 : 1,
      nettingMismatchMult: nettingProne.has(i) ? 6 : 1,
      disputeMult: disputeProne.has(i) ? 6 : 1,
      confirmBreakMult: confirmProne.has(i) ? 4 : 1,
      hasNettingAgreement: rng.chance(0.65),
      hasCsa,
      hasIm: hasCsa && (sector === 'Bank' || sector === 'Hedge Fund' || sector === 'Asset Manager') && rank < n * 0.5,
      csaCurrency: rng.chance(0.8) ? CSA_CCY[country]! : 'USD',
    });
  }
  return out;
}

export function counterpartyRow(c: Counterparty): unknown[] {
  return [c.id, c.lei, c.legalName, c.shortName, c.sector, c.country, c.rating, c.active ? 1 : 0, isoDate(c.onboardDay)];
}

interface Location {
  region: string;
  legalEntity: string;
}

const LOCATIONS: Record<string, Location> = {
  LDN: { region: 'EMEA', legalEntity: 'Bank PLC' },
  FRA: { region: 'EMEA', legalEntity: 'Bank AG' },
  NYC: { region: 'AMER', legalEntity: 'Bank Inc' },
  TOR: { region: 'AMER', legalEntity: 'Bank Inc' },
  TKY: { region: 'APAC', legalEntity: 'Bank Japan KK' },
  SGP: { region: 'APAC', legalEntity: 'Bank PLC' },
  HKG: { region: 'APAC', legalEntity: 'Bank PLC' },
};

interface DeskSpec {
  desk: string;
  code: string;
  assetClass: string;
  weight: number;
  traders: number;
  locations: readonly string[];
}

export const DESK_SPECS: readonly DeskSpec[] = [
  { desk: 'G10 Rates', code: 'RATES', assetClass: 'Rates', weight: 28, traders: 9, locations: ['LDN', 'NYC', 'FRA', 'TKY', 'TOR'] },
  { desk: 'EM Rates', code: 'EMRATES', assetClass: 'Rates', weight: 9, traders: 4, locations: ['LDN', 'NYC', 'SGP', 'HKG'] },
  { desk: 'Credit Trading', code: 'CREDIT', assetClass: 'Credit', weight: 12, traders: 6, locations: ['LDN', 'NYC', 'FRA'] },
  { desk: 'FX Forwards', code: 'FXFWD', assetClass: 'FX', weight: 22, traders: 7, locations: ['LDN', 'NYC', 'SGP', 'TKY'] },
  { desk: 'FX Options', code: 'FXOPT', assetClass: 'FX', weight: 8, traders: 4, locations: ['LDN', 'NYC', 'TKY'] },
  { desk: 'Equity Derivatives', code: 'EQD', assetClass: 'Equity', weight: 11, traders: 6, locations: ['LDN', 'NYC', 'FRA', 'HKG', 'TKY'] },
  { desk: 'Commodities', code: 'COMMOD', assetClass: 'Commodity', weight: 10, traders: 4, locations: ['LDN', 'NYC', 'SGP'] },
];

export function makeBooks(rng: Prng): Book[] {
  const traders = rng.shuffle([...TRADERS]);
  let t = 0;
  const books: Book[] = [];
  for (const spec of DESK_SPECS) {
    const deskTraders = traders.slice(t, t + spec.traders);
    t += spec.traders;
    const deskBooks: Book[] = [];
    spec.locations.forEach((loc, li) => {
      const count = li === 0 ? rng.int(2, 3) : rng.int(1, 2);
      for (let k = 1; k <= count; k++) {
        const where = LOCATIONS[loc]!;
        deskBooks.push({
          id: 0,
          code: `${spec.code}-${loc}-${String(k).padStart(2, '0')}`,
          desk: spec.desk,
          assetClass: spec.assetClass,
          region: where.region,
          legalEntity: where.legalEntity,
          weight: (li === 0 ? 1.8 : 1) * (0.5 + rng.next()),
          traders: deskTraders,
        });
      }
    });
    const total = deskBooks.reduce((s, b) => s + b.weight, 0);
    for (const b of deskBooks) b.weight = (b.weight / total) * spec.weight;
    books.push(...deskBooks);
  }
  books.forEach((b, i) => (b.id = i + 1));
  return books;
}

export function bookRow(b: Book): unknown[] {
  return [b.id, b.code, b.desk, b.assetClass, b.region, b.legalEntity];
}

/** Next standard CDS maturity (20 June / 20 December) at least `years` after `day`. */
export function cdsMaturity(day: number, years: number): number {
  let d = addMonths(day, 12 * years);
  const dt = new Date(d * 86_400_000);
  const m = dt.getUTCMonth();
  const y = dt.getUTCFullYear();
  const target = m < 5 || (m === 5 && dt.getUTCDate() <= 20) ? Date.UTC(y, 5, 20) : m < 11 || (m === 11 && dt.getUTCDate() <= 20) ? Date.UTC(y, 11, 20) : Date.UTC(y + 1, 5, 20);
  d = Math.round(target / 86_400_000);
  return d;
}
