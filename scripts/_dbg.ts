import { openDatasource } from '/work/wt/followups/src/datasource/index.js';
import { loadProfile, trainModel } from '/work/wt/followups/src/training/index.js';
import { createSemanticEngine } from '/work/wt/followups/src/nl2sql/semantic/index.js';
const ds = await openDatasource('sqlite:/tmp/fu.db');
const model = await trainModel(loadProfile('/work/wt/followups/profiles/otc-ops'), ds);
const e = createSemanticEngine(model);
const [a, b] = process.argv.slice(2);
const u = e.understand(a!, '2026-11-11');
console.log(JSON.stringify(u).slice(0, 300));
if (b && !u.status) { const v = e.understand(b, '2026-11-11', { previous: u.query }); console.log(JSON.stringify(v, null, 1).slice(0, 3000)); }
await ds.close();
const { readCues } = await import('../src/nl2sql/semantic/followup/cues.js');
console.log(readCues('only the ones sent more than 5 days ago'));
