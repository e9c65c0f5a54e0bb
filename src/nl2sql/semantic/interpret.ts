/**
 * The grammar stage: reads a question's items (what each phrase means, from the lexicon) in order
 * and records what the question asks: measures, filters, values, groups, ranking, time phrases,
 * comparisons. The resolver (resolve.ts) turns what it recorded into one typed query. Its fields
 * are the state the two stages share; nothing outside them reads it.
 */
import type { MeasureDef, Token } from '../../training/index.js';
import type { Agg, CmpOp } from './grammar.js';
import type { Sense } from './lexicon.js';
import type { EngineModel } from './model.js';
import type { ColumnRef, GroupSpec, TypedQuery } from './query.js';
import type { TimeMatch } from './time/index.js';
import { readNumber, readOrdinal } from './numbers.js';
import { build } from './resolve.js';

/** One phrase of the question and what it can mean. */
export interface Item {
  kind: 'lex' | 'time' | 'number';
  start: number; // token index
  end: number;
  senses: Sense[];
  time?: TimeMatch;
  number?: number;
  fuzzy?: boolean;
  text: string;
}

type Pending = 'group' | 'top' | 'withTheir' | null;

export class Interpreter {
  readonly e;
  countAsked = false;
  agg: Agg | null = null;
  superlative: 'asc' | 'desc' | null = null;
  listAsked = false;
  /** "largest", "biggest" (a size), as opposed to "most" (a number of rows) */
  sizeSuperlative = false;
  /** "ccy split", "breakdown": figures per value, never a bare list of the values */
  splitAsked = false;
  whichAsked = false;
  recordsMention = false;
  measures: MeasureDef[] = [];
  filters = new Set<string>();
  values = new Map<string, Set<string>>();
  groups: GroupSpec[] = [];
  listDims: { col: ColumnRef; alias: string; label: string }[] = [];
  extraCols: { col: ColumnRef; alias: string; label: string }[] = [];
  bucket: TimeMatch | null = null;
  ranges: TimeMatch[] = [];
  /** nearTime: the word touches a time phrase ("settled yesterday"), so it is the date that phrase is on */
  dateWords: { entity: string; column: string; label: string; filter?: string; nearTime?: boolean }[] = [];
  dateEntityHint: string | null = null;
  top: { n?: number; dir: 'asc' | 'desc' } | null = null;
  /** afterRows: the comparison follows a noun naming the rows ("trades over 500m"), not a group or a measure */
  /** ofAggregate: "the average ... is over 50m" compares the aggregate named (avg, min, max), not each row */
  cmps: { op: CmpOp; value?: number; measure?: MeasureDef; countNoun?: boolean; money?: boolean; afterRows?: boolean; ofAggregate?: boolean }[] = [];
  reporting = false;
  currencyValues: { dimension: string; value: string; index: number }[] = [];
  orderMeasure: MeasureDef | null = null;
  pending: Pending = null;
  /** a "by"/"per" that has not yet met what it groups by */
  groupOpen = false;
  rankRowsAsked = false;
  dateRank: 'asc' | 'desc' | null = null;
  distinctAsked = false;
  distinctCols: { col: ColumnRef; alias: string; label: string }[] = [];
  percentAsked = false;
  /** item index of the first mention of the base entity (splits a share's whole from its part) */
  baseMentionAt = -1;
  /** where each filter / value was said (item index) */
  saidAt = new Map<string, number>();
  /** item indexes of filters/values said after "not", "excluding", "other than" */
  negated = new Set<number>();
  pendingNegate = false;
  sortDir: 'asc' | 'desc' | null = null;
  betweenAt = -1;
  /** "EUR vs USD", "cleared versus bilateral": compare the two side by side */
  versusAt: number[] = [];
  periodCompare: { from: string; to: string; label: string }[] | undefined;
  betweenMeasure: MeasureDef | null = null;
  /** parents named without a role ("counterparties with fewer than 50 trades") */
  looseParents: string[] = [];
  nullDims: { table: string; column: string; label: string }[] = [];
  notNullCols: { table: string; column: string; label: string }[] = [];

  constructor(
    readonly m: EngineModel,
    readonly entity: string,
    readonly items: Item[],
    readonly tokens: Token[],
    readonly today: string,
  ) {
    this.e = m.entities.get(entity)!;
  }

  fail(msg: string): { fail: string } {
    return { fail: msg };
  }

  run(): { query: TypedQuery } | { fail: string } {
    const f = this.scan();
    return f ?? build(this);
  }

  /** Reads the items in order and records what the question asks (no defaults applied yet). */
  scan(): { fail: string } | undefined {
    const items = this.items;
    for (let k = 0; k < items.length; k++) {
      const it = items[k]!;
      if (it.kind === 'time') {
        const tm = it.time!;
        if (tm.bucket) {
          this.bucket = tm;
          this.groupOpen = false;
          if (this.pending === 'group') this.pending = null;
        }
        if (tm.range) this.ranges.push(tm);
        const next = items[k + 1];
        const endTok = this.tokens[it.end - 1];
        if (next && next.senses[0]?.kind === 'entity' && (endTok?.possessive || /['’]s$/.test(tm.text))) this.dateEntityHint = (next.senses[0] as { entity: string }).entity;
        continue;
      }
      if (it.kind === 'number') {
        const r = readNumber(this, k);
        if (r === 'fail') return this.fail(`the number "${it.text}" does not say what it limits`);
        k = r;
        continue;
      }
      const s = it.senses[0]!;
      const nearTime = items[k + 1]?.kind === 'time' || items[k - 1]?.kind === 'time';
      for (const d of it.senses) if (d.kind === 'date') this.dateWords.push({ entity: d.entity, column: d.column, label: d.label, filter: s.kind === 'filter' ? s.filter : undefined, nearTime });
      if (it.end - it.start > 1 && s.kind === 'filter' && !it.senses.some((d) => d.kind === 'date')) this.innerDateWords(it, s);
      switch (s.kind) {
        case 'stop':
          if (this.pending === 'group' && !this.groupOpen && !/^(and|or|then|,)$/i.test(it.text)) this.pending = null;
          break;
        case 'count':
          this.countAsked = true;
          break;
        case 'agg': {
          const next = items[k + 1];
          if (s.superlative && next?.kind === 'number') {
            this.top = { dir: s.superlative, n: next.number };
            this.pending = 'top';
            k++;
          } else if (s.superlative) {
            // "the largest trade": rows ranked, not groups
            if (!s.quantity) this.sizeSuperlative = true;
            if (!s.quantity) {
              for (let j = k + 1; j < items.length; j++) {
                const nx = items[j]!.senses[0];
                if (nx?.kind === 'entity' && nx.entity === this.entity) this.rankRowsAsked = true;
                // "the largest netting break": a filter phrase that names its rows
                if (nx?.kind === 'filter' && nx.entity === this.entity && this.m.filters.get(nx.filter)?.implies && items[j + 1]?.senses[0]?.kind !== 'measure') this.rankRowsAsked = true;
                if (!nx || !(nx.kind === 'filter' || nx.kind === 'value' || nx.kind === 'stop')) break;
              }
            }
            if (this.top && this.top.n !== undefined) this.top.dir = s.superlative;
            this.superlative = s.superlative;
            this.agg = s.agg;
            this.pending = 'top';
          } else this.agg = s.agg;
          break;
        }
        case 'distinct':
          this.distinctAsked = true;
          break;
        case 'group':
          this.pending = 'group';
          this.groupOpen = true;
          break;
        case 'withCounts':
          this.countAsked = true;
          break;
        case 'split':
          this.splitAsked = true;
          break;
        case 'top': {
          this.top = { dir: s.dir };
          const next = items[k + 1];
          if (next?.kind === 'number') {
            this.top.n = next.number;
            k++;
          }
          this.pending = 'top';
          break;
        }
        case 'list':
          this.listAsked = true;
          break;
        case 'which': {
          this.whichAsked = true;
          // "which 3 counterparties ...": a ranking of that many
          const next = items[k + 1];
          if (next?.kind === 'number' && Number.isInteger(next.number)) {
            this.top = { n: next.number, dir: 'desc' };
            this.pending = 'top';
            k++;
          }
          break;
        }
        case 'withTheir':
          this.pending = 'withTheir';
          break;
        case 'cmp': {
          const prev = items[k - 1];
          // "rated BB or below": a comparison right after a value of an ordered dimension
          if (prev?.senses[0]?.kind === 'value' && /^(or|and)\b/i.test(it.text) && readOrdinal(this, { kind: 'ordinal', dir: s.op === '<' || s.op === '<=' ? 'worse' : 'better', inclusive: true })) break;
          // "5 or more": the comparison follows its number
          if (prev?.kind === 'number' && /^(or|and|no|not)\b/i.test(it.text) && this.cmps.length && this.cmps[this.cmps.length - 1]!.value === prev.number) {
            this.cmps[this.cmps.length - 1]!.op = s.op;
          } else {
            const pk = this.prevContent(k);
            const pks = pk >= 0 ? items[pk]!.senses[0]?.kind : undefined;
            const ppk = pk >= 0 ? this.prevContent(pk) : -1;
            const afterRows = (pks === 'entity' || pks === 'filter') && (ppk < 0 || items[ppk]!.senses[0]?.kind !== 'group');
            // "whose average notional of live trades is above 50m": the average is what "is" above
            const ofAggregate = !!this.agg && this.agg !== 'sum' && /^(is|was)$/i.test(prev?.text ?? '');
            this.cmps.push({ op: s.op, afterRows, ...(ofAggregate ? { ofAggregate } : {}) });
          }
          break;
        }
        case 'negate': {
          // "counterparties without any live trades": parents with no such rows at all (NOT EXISTS), not the
          // parents of the other rows; not expressible here, so the reading fails instead of negating the filter
          const parentBefore = items.slice(0, k).some((x) => x.senses[0]?.kind === 'entity' && (x.senses[0] as { entity: string }).entity !== this.entity);
          let j = k + 1;
          while (j < items.length && items[j]!.senses[0]?.kind === 'stop') j++;
          const ns = items[j]?.senses[0];
          const rowsAfter = !!ns && ((ns.kind === 'entity' && ns.entity === this.entity) || (ns.kind === 'filter' && ns.entity === this.entity && (this.namesEntity(items[j]!) || !!this.m.filters.get(ns.filter)?.implies || (items[j + 1]?.senses[0]?.kind === 'entity' && (items[j + 1]!.senses[0] as { entity: string }).entity === this.entity))));
          if (parentBefore && rowsAfter && !/^(not|excluding|exclude|excluded|except|non)$/i.test(it.text))
            return this.fail(`"${it.text}" ${this.m.entities.get(this.entity)!.label} for whole records (none at all) is not supported yet`);
          this.pendingNegate = true;
          break;
        }
        case 'between':
          this.betweenAt = k;
          break;
        case 'versus':
          this.versusAt.push(k);
          break;
        case 'dateRank': {
          // with an age-like measure ("the oldest open exception, in days") it is that measure's extreme
          if (items.some((x) => x.senses[0]?.kind === 'measure')) {
            this.agg = s.dir === 'asc' ? 'max' : 'min';
            break;
          }
          this.dateRank = s.dir;
          const next = items[k + 1];
          if (next?.kind === 'number' && Number.isInteger(next.number)) {
            this.top = { n: next.number, dir: s.dir };
            k++;
          }
          break;
        }
        case 'sort':
          this.sortDir = s.dir;
          break;
        case 'ordinal':
          if (!readOrdinal(this, s)) return this.fail(`"${it.text}" needs a rating before it`);
          break;
        case 'unit':
        case 'times':
        case 'percent':
        case 'inDays':
          if (s.kind === 'percent') this.percentAsked = true;
          if (s.kind === 'unit' || s.kind === 'times') return this.fail(`"${it.text}" without a number`);
          break;
        case 'reporting':
          this.reporting = true;
          break;
        case 'entity':
          this.entityMention(s.entity, k);
          break;
        case 'date':
          // "weekly count of breaks by value date": after a time bucket, "by" names the bucket's date
          if (this.groupOpen && this.bucket) {
            this.groupOpen = false;
            if (this.pending === 'group') this.pending = null;
          }
          break;
        case 'filter':
          if (this.pendingNegate) {
            this.negated.add(k);
            this.pendingNegate = false;
          }
          this.filters.add(s.filter);
          if (!this.saidAt.has('f:' + s.filter)) this.saidAt.set('f:' + s.filter, k);
          this.groupOpen = false; // "top 3 counterparties by fails"
          if (s.entity === this.entity && this.m.filters.get(s.filter)?.implies && this.baseMentionAt < 0) this.baseMentionAt = k;
          // "the large trades", "confirmation breaks": a filter phrase that names its rows
          if (s.entity === this.entity && this.namesEntity(it)) this.entityMention(s.entity, k);
          break;
        case 'measure': {
          const md = this.m.measures.get(s.measure)!;
          // "trades with a fixed rate" / "without a fixed rate": the column has a value (or not)
          const before = [this.tokens[it.start - 1]?.norm, this.tokens[it.start - 2]?.norm];
          const article = before[0] === 'a' || before[0] === 'an';
          const w = article ? before[1] : before[0];
          if (md.expr && 'column' in md.expr && this.cmpAfter(k) < 0 && (w === 'with' || w === 'without' || w === 'having' || (this.pendingNegate && article))) {
            const table = this.m.entities.get(md.entity)!.table;
            if (w === 'without' || this.pendingNegate) {
              this.pendingNegate = false;
              this.nullDims.push({ table, column: md.expr.column, label: md.label });
            } else this.notNullCols.push({ table, column: md.expr.column, label: md.label });
            break;
          }
          const cmp = this.cmps[this.cmps.length - 1];
          const prev = items[k - 1];
          // "more than 10bn notional", "more than 10bn of notional": the amount compared is this measure
          // (words like "of" and named filters such as "live" may stand between)
          let back = k - 1;
          while (back > k - 4 && items[back]?.kind === 'lex' && (items[back]!.senses[0]?.kind === 'stop' || items[back]!.senses[0]?.kind === 'filter')) back--;
          const ofBetween = back < k - 1 ? items[back] : undefined;
          const afterAmount = (x: Item | undefined) => x?.kind === 'number' || x?.senses[0]?.kind === 'reporting' || x?.senses[0]?.kind === 'unit';
          if (cmp && cmp.value !== undefined && !cmp.measure && (afterAmount(prev) || afterAmount(ofBetween))) {
            cmp.measure = md;
            cmp.afterRows = false; // "more than 1bn of notional": the amount is the measure's, not the rows'
          } else if (this.cmpAfter(k) >= 0) {
            const j = this.cmpAfter(k);
            if (items[j]!.senses[0]?.kind === 'between') this.betweenMeasure = md;
            else {
              // "(live) trades with notional over 100m": the amount of each row named right before "with"
              const pk = this.prevContent(k);
              const ps = pk >= 0 ? items[pk]!.senses[0] : undefined;
              const ppk = pk >= 0 ? this.prevContent(pk) : -1;
              const afterRows =
                !!ps && ((ps.kind === 'entity' && ps.entity === this.entity) || (ps.kind === 'filter' && ps.entity === this.entity && this.namesEntity(items[pk]!))) &&
                items.slice(pk + 1, k).some((x) => /^(with|having)$/i.test(x.text)) && (ppk < 0 || items[ppk]!.senses[0]?.kind !== 'group');
              // "desks with an average live notional above 50m": the average named right before is what is compared
              let ag = k - 1;
              while (ag > k - 4 && items[ag]?.kind === 'lex' && (items[ag]!.senses[0]?.kind === 'stop' || items[ag]!.senses[0]?.kind === 'filter')) ag--;
              const agS = items[ag]?.senses[0];
              const ofAggregate = !!this.agg && this.agg !== 'sum' && this.agg !== 'count' && agS?.kind === 'agg' && !agS.superlative && !!md.expr;
              if (ofAggregate) this.measures.push(md);
              this.cmps.push({ op: (items[j]!.senses[0] as { op: CmpOp }).op, measure: md, afterRows: afterRows && !ofAggregate, ...(ofAggregate ? { ofAggregate } : {}) });
              k = j;
            }
          } else if ((this.pending === 'group' || this.pending === 'top') && (this.groups.length || this.listDims.length || this.top || this.superlative)) {
            // "the biggest live trade by notional": "by" + a measure says what ranks, not what groups
            this.orderMeasure = md;
            this.measures.push(md);
            this.pending = null;
            this.groupOpen = false;
          } else this.measures.push(md);
          break;
        }
        case 'dimension':
          if (!this.dimensionMention(s.dimension, k)) return this.fail(`"${it.text}" cannot be shown here`);
          break;
        case 'value':
          if (this.pendingNegate) {
            this.negated.add(k);
            this.pendingNegate = false;
          }
          this.valueMention(s.dimension, s.value, k);
          break;
        default:
          break;
      }
      if (s.kind !== 'stop' && s.kind !== 'group' && s.kind !== 'top' && s.kind !== 'dimension' && s.kind !== 'entity' && s.kind !== 'withTheir' && s.kind !== 'agg' && s.kind !== 'filter' && s.kind !== 'value' && s.kind !== 'count') {
        if (this.pending === 'withTheir') this.pending = null;
      }
    }
    if (this.pendingNegate) return this.fail('"not" / "excluding" must come before what it excludes');
    if (this.groupOpen) return this.fail('"by" / "per" is not followed by something to group by');
    return undefined;
  }

  /** "got matched": a date word inside a longer phrase still says which date a period is on. */
  innerDateWords(it: Item, s: Sense): void {
    // a filter that compares a date column itself ("settled late") keeps the default date
    const f = s.kind === 'filter' ? this.m.filters.get(s.filter) : undefined;
    const own = new Set(f ? f.where.flatMap((c) => ('otherColumn' in c && c.otherColumn ? [c.column, c.otherColumn] : [])) : []);
    for (let t = it.start; t < it.end; t++)
      for (const d of this.m.lexicon.phrases.get(this.tokens[t]!.norm) ?? [])
        if (d.kind === 'date' && d.entity === this.entity && !own.has(d.column)) this.dateWords.push({ entity: d.entity, column: d.column, label: d.label });
  }

  /** Index of the closest item before k that is not a stop word, or -1. */
  prevContent(k: number): number {
    for (let j = k - 1; j >= 0; j--) if (this.items[j]!.senses[0]?.kind !== 'stop') return j;
    return -1;
  }

  /** Does the item's phrase contain a word naming its entity ("large trades")? */
  namesEntity(it: Item): boolean {
    for (let t = it.start; t < it.end; t++)
      if ((this.m.lexicon.phrases.get(this.tokens[t]!.norm) ?? []).some((x) => x.kind === 'entity' && x.entity === this.entity)) return true;
    return false;
  }

  /** Index of a comparison right after item k (stop words between are allowed), or -1. */
  cmpAfter(k: number): number {
    for (let j = k + 1; j < Math.min(this.items.length, k + 4); j++) {
      const s = this.items[j]!.senses[0];
      if (s?.kind === 'cmp' || s?.kind === 'between') return j;
      if (s?.kind !== 'stop') return -1;
    }
    return -1;
  }

  adjacentValueOf(k: number, pred: (s: Sense) => boolean, reach = 2): boolean {
    for (const j of reach === 1 ? [k - 1, k + 1] : [k - 1, k + 1, k + 2, k - 2]) {
      const it = this.items[j];
      if (!it) continue;
      if (Math.abs(j - k) === 2) {
        const mid = this.items[(j + k) / 2];
        if (!mid || !(mid.senses[0]?.kind === 'stop' || mid.senses[0]?.kind === 'dimension' || mid.senses[0]?.kind === 'negate')) continue;
      }
      if (it.senses.some(pred)) return true;
    }
    return false;
  }

  entityMention(entity: string, k: number): void {
    if (entity === this.entity) {
      this.groupOpen = false; // "average notional per trade"
      if (this.baseMentionAt < 0) this.baseMentionAt = k;
      if (!this.listDims.length && !this.groups.length) this.recordsMention = true;
      if (this.pending === 'withTheir') this.pending = null;
      return;
    }
    const pe = this.m.entities.get(entity)!;
    const table = pe.table;
    // "exceptions without a trade": the rows' own link to that parent is empty
    if (this.pendingNegate) {
      const link = this.m.paths.get(this.entity)?.get(table);
      if (link?.length === 1 && link[0]!.fromTable === this.e.table) {
        this.pendingNegate = false;
        this.nullDims.push({ table: this.e.table, column: link[0]!.fromColumn, label: pe.label.replace(/s$/, '') });
        return;
      }
    }
    // "how many counterparties have trades over 1bn": count the distinct parents
    const prevSense = this.items[k - 1]?.senses[0];
    if (this.countAsked && prevSense?.kind === 'count' && !this.distinctCols.length) {
      const disp = pe.display[0]!;
      const col = disp.includes('.') ? { table: disp.split('.')[0]!, column: disp.split('.')[1]! } : { table, column: disp };
      this.distinctCols.push({ col, alias: entity, label: pe.label.replace(/s$/, '') });
      return;
    }
    // "client sector": the parent's word only says whose sector
    const nxt = this.items[k + 1]?.senses[0];
    if (nxt?.kind === 'dimension' && nxt.table === table) return;
    // a parent named next to one of its values or filters only qualifies them ("hedge fund counterparties")
    const near = this.pending === 'group' || this.pending === 'top' ? 1 : 2;
    const qualifies = this.adjacentValueOf(k, (s) => (s.kind === 'value' && s.table === table) || (s.kind === 'filter' && s.entity === entity), near);
    const governed = this.pending === 'group' || this.pending === 'top' || this.pending === 'withTheir' || ((this.whichAsked || this.listAsked) && !this.recordsMention && !this.groups.length);
    if (!governed && !qualifies) this.looseParents.push(entity);
    if (!governed || qualifies) return;
    const disp = pe.display[0]!;
    const col = disp.includes('.') ? { table: disp.split('.')[0]!, column: disp.split('.')[1]! } : { table, column: disp };
    const dim = [...this.m.dimensions.values()].find((d) => d.table === col.table && d.column === col.column);
    this.placeColumn(col, dim?.name ?? pe.label, dim?.label ?? pe.label);
  }

  placeColumn(col: ColumnRef, alias: string, label: string): void {
    this.groupOpen = false;
    // "how many different traders": count the distinct values
    if (this.distinctAsked && this.countAsked && !this.distinctCols.length && this.pending !== 'group' && this.pending !== 'top') {
      this.distinctCols.push({ col, alias, label });
      this.distinctAsked = false;
      return;
    }
    if (this.pending === 'withTheir') {
      this.extraCols.push({ col, alias, label });
      return;
    }
    if (this.pending === 'group' || this.pending === 'top') {
      if (!this.groups.some((g) => g.kind === 'column' && g.col.table === col.table && g.col.column === col.column)) this.groups.push({ kind: 'column', col, alias, label });
      return;
    }
    if ((this.whichAsked || this.listAsked) && !this.recordsMention) {
      this.listDims.push({ col, alias, label });
      return;
    }
    if (!this.groups.some((g) => g.kind === 'column' && g.col.table === col.table && g.col.column === col.column)) this.groups.push({ kind: 'column', col, alias, label });
  }

  dimensionMention(name: string, k: number): boolean {
    const d = this.m.dimensions.get(name)!;
    // "trades without a CCP", "don't have a clearing house": the column is empty
    if (this.pendingNegate && !this.adjacentValueOf(k, (s) => s.kind === 'value' && s.dimension === name)) {
      this.pendingNegate = false;
      this.nullDims.push(d);
      return true;
    }
    // "the credit desk": the word before names one of this dimension's values, not another column's
    const prev = this.items[k - 1];
    const pv = prev?.senses[0];
    if (prev && pv?.kind === 'value' && pv.dimension !== name) {
      const mine = [...prev.senses, ...(this.m.lexicon.distinctive.get(this.tokens[prev.start]!.norm) ?? [])].filter((x) => x.kind === 'value' && x.dimension === name);
      if (mine.length >= 1 && mine[0]!.kind === 'value' && new Set(mine.map((x) => (x as { value: string }).value)).size === 1) {
        const set = this.values.get(pv.dimension);
        set?.delete(pv.value);
        if (set && !set.size) this.values.delete(pv.dimension);
        this.valueMention(name, mine[0]!.value, k - 1);
        prev.senses = [mine[0]!, ...prev.senses];
        return true;
      }
    }
    // a dimension word right next to one of its values only qualifies it ("the Credit Trading desk");
    // after "by"/"per" only a value touching it does ("per counterparty for Alpenrose" still groups)
    const near = this.pending === 'group' || this.pending === 'top' ? 1 : 2;
    if (this.adjacentValueOf(k, (s) => s.kind === 'value' && s.dimension === name, near)) return true;
    if (this.adjacentValueOf(k, (s) => s.kind === 'value' && s.table === d.table && this.m.dimensions.get(s.dimension)?.column === d.column, near)) return true;
    this.placeColumn({ table: d.table, column: d.column }, d.name, d.label);
    return true;
  }

  valueMention(dimension: string, value: string, k: number): void {
    // "list the hedge funds we trade with", "which banks have fails": rows of the value's own table
    const d0 = this.m.dimensions.get(dimension)!;
    const owner = this.m.entityByTable.get(d0.table);
    const prevK = this.prevContent(k);
    if (owner && owner !== this.entity && (this.listAsked || this.whichAsked) && !this.listDims.length && !this.recordsMention && !this.groups.length && prevK >= 0) {
      const ps = this.items[prevK]!.senses[0];
      if (ps?.kind === 'list' || ps?.kind === 'which') {
        const pe = this.m.entities.get(owner)!;
        const disp = pe.display[0]!;
        const col = disp.includes('.') ? { table: disp.split('.')[0]!, column: disp.split('.')[1]! } : { table: pe.table, column: disp };
        const dim = [...this.m.dimensions.values()].find((x) => x.table === col.table && x.column === col.column);
        if (!(col.table === d0.table && col.column === d0.column)) this.listDims.push({ col, alias: dim?.name ?? pe.label, label: dim?.label ?? pe.label });
      }
    }
    this.groupOpen = false; // "booked by H. Lindqvist", "executed by voice"
    const d = this.m.dimensions.get(dimension)!;
    if (d.values?.currency) this.currencyValues.push({ dimension, value, index: k });
    else {
      if (!this.saidAt.has('v:' + dimension)) this.saidAt.set('v:' + dimension, k);
      const set = this.values.get(dimension) ?? new Set<string>();
      set.add(value);
      this.values.set(dimension, set);
    }
  }
}
