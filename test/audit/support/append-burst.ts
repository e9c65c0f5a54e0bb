/**
 * Child process of the kill -9 test: opens the audit log (with its signing key and checkpoint
 * file) and appends without end, many appends in flight at once; prints the id of each record
 * as soon as its append resolves (acknowledged), until it is killed.
 */
import { openAuditLog } from '../../../src/audit/index.js';
import { loadSigningKey } from '../../../src/audit/signing.js';

const [url, keyFile, checkpointFile] = process.argv.slice(2) as [string, string, string];
const log = await openAuditLog(url, { integrity: { keys: loadSigningKey(keyFile, { create: true }), checkpointFile } });
process.stdout.write('ready\n');
let n = 0;
async function lane(lane: number): Promise<never> {
  for (;;) {
    const i = n++;
    const r = await log.append({ kind: 'question', outcome: 'started', actor: `burst${lane}`, question: `question ${i}`, correlationId: `c-${i}` });
    process.stdout.write(`${r.id}\n`);
  }
}
await Promise.all(Array.from({ length: 16 }, (_, k) => lane(k)));
