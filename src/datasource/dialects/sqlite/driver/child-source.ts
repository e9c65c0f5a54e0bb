/**
 * The program of the SQLite query process (CommonJS, run with `node -e`). A separate process,
 * not a worker thread: a runaway statement (say an endless recursive CTE under count(*)) never
 * returns to JavaScript, a worker thread cannot be stopped then, and a process can be killed.
 * It opens the file read-only, prepares exactly one statement (better-sqlite3 refuses more),
 * refuses any statement that does not return rows or could write, and streams at most
 * maxRows + 1 rows; or, for a stream, keeps the statement's iterator open and sends the next
 * batch of rows each time the parent asks for more (the parent's backpressure).
 */
export const SQLITE_CHILD_SOURCE = String.raw`
'use strict';
const Database = require(process.env.OTC_BETTER_SQLITE3);
let db;
try {
  db = new Database(process.env.OTC_SQLITE_FILE, { readonly: true, fileMustExist: true });
  db.pragma('query_only = ON');
  db.prepare('SELECT count(*) FROM sqlite_master').get();
  process.send({ ready: true });
} catch (e) {
  process.send({ fatal: { message: String(e && e.message), code: e && e.code } });
  process.exit(1);
}
process.on('disconnect', () => process.exit(0));
// Streams: one open iterator at most (its connection is busy until it ends), fed a batch per 'more'.
let open;
function prepared(sql) {
  const st = db.prepare(sql);
  if (!st.reader) return { error: { kind: 'notReadOnly', message: 'the statement returns no rows (not a query)' } };
  if (!st.readonly) return { error: { kind: 'notReadOnly', message: 'the statement could change the database' } };
  st.raw(true);
  const meta = st.columns();
  // Columns declared TIMESTAMP/DATETIME hold 'YYYY-MM-DD HH:MM:SS' text: give ISO text, as the other dialects do.
  const ts = meta.map((c, i) => (/timestamp|datetime/i.test(c.type || '') ? i : -1)).filter((i) => i >= 0);
  return { st, columns: meta.map((c) => c.name), ts };
}
function fixTimestamps(r, ts) {
  for (const i of ts) if (typeof r[i] === 'string' && /^\d{4}-\d{2}-\d{2} \d/.test(r[i])) r[i] = r[i].replace(' ', 'T');
}
function isPlain(rows) {
  for (const r of rows) for (let k = 0; k < r.length; k++) {
    const v = r[k];
    if (v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0))) continue;
    return false;
  }
  return true;
}
function stopOpen() {
  if (open) { try { open.it.return(); } catch {} open = undefined; }
}
function streamMessage(m) {
  try {
    if (m.stop) { if (open && open.id === m.id) stopOpen(); return { id: m.id, rows: [] }; }
    if (m.more) {
      if (!open || open.id !== m.id) return { id: m.id, rows: [] };
      const rows = [];
      while (rows.length < open.batch) {
        const n = open.it.next();
        if (n.done) { open = undefined; break; }
        fixTimestamps(n.value, open.ts);
        rows.push(n.value);
      }
      return isPlain(rows) ? { id: m.id, json: JSON.stringify(rows) } : { id: m.id, rows };
    }
    stopOpen();
    const p = prepared(m.sql);
    if (p.error) return { id: m.id, error: p.error };
    open = { id: m.id, it: p.st.iterate(), ts: p.ts, batch: m.stream };
    return { id: m.id, columns: p.columns };
  } catch (e) {
    stopOpen();
    return errorReply(m.id, e);
  }
}
function errorReply(id, e) {
  const message = String(e && e.message);
  const kind = /more than one statement/i.test(message) ? 'notReadOnly' : 'sql';
  return { id, error: { kind, message: kind === 'notReadOnly' ? 'the text holds more than one statement' : message, code: e && e.code } };
}
process.on('message', (m) => {
  if (m.stream || m.more || m.stop) {
    process.send(streamMessage(m));
    return;
  }
  stopOpen();
  let res;
  try {
    const st = db.prepare(m.sql);
    if (!st.reader) {
      res = { id: m.id, error: { kind: 'notReadOnly', message: 'the statement returns no rows (not a query)' } };
    } else if (!st.readonly) {
      res = { id: m.id, error: { kind: 'notReadOnly', message: 'the statement could change the database' } };
    } else {
      st.raw(true);
      const meta = st.columns();
      const columns = meta.map((c) => c.name);
      // Columns declared TIMESTAMP/DATETIME hold 'YYYY-MM-DD HH:MM:SS' text: give ISO text, as the other dialects do.
      const ts = meta.map((c, i) => (/timestamp|datetime/i.test(c.type || '') ? i : -1)).filter((i) => i >= 0);
      const rows = [];
      // Rows of text, finite numbers and NULLs travel as one JSON text (about twice as fast to
      // send and read back as a structured clone of the rows); anything else (blobs, -0,
      // Infinity, NaN, big integers) keeps the structured clone, which carries every value.
      let plain = true;
      for (const r of st.iterate()) {
        for (const i of ts) if (typeof r[i] === 'string' && /^\d{4}-\d{2}-\d{2} \d/.test(r[i])) r[i] = r[i].replace(' ', 'T');
        if (plain) {
          for (let k = 0; k < r.length; k++) {
            const v = r[k];
            if (v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0))) continue;
            plain = false;
            break;
          }
        }
        rows.push(r);
        if (rows.length > m.maxRows) break;
      }
      res = plain ? { id: m.id, columns, json: JSON.stringify(rows) } : { id: m.id, columns, rows };
    }
  } catch (e) {
    const message = String(e && e.message);
    const kind = /more than one statement/i.test(message) ? 'notReadOnly' : 'sql';
    res = { id: m.id, error: { kind, message: kind === 'notReadOnly' ? 'the text holds more than one statement' : message, code: e && e.code } };
  }
  process.send(res);
});
`;
