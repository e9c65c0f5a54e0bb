// Run by .ci/node24 (and .ci/node22) right after better-sqlite3 is built for that Node line: prepared
// statements are collected by the garbage collector from inside microtasks, the path on which a
// better-sqlite3 12 binary compiled against Node >= 24.19 headers aborts the process
// ("Assertion failed: (env) != nullptr" in RemoveEnvironmentCleanupHook, nodejs/node#65446).
// Exits 0 and prints "ok" only if the process survives; measured: such a binary aborts here on
// every run, one compiled against Node 24.18.1 headers does not.
'use strict';
const Database = require('better-sqlite3');

async function main() {
  for (let round = 0; round < 30; round++) {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (a INTEGER)');
    for (let i = 0; i < 2000; i++) db.prepare('INSERT INTO t VALUES (?)').run(i);
    db.close();
    const junk = [];
    for (let i = 0; i < 200000; i++) {
      junk.push({ i, s: `x${i}` });
      if (i % 10000 === 0) await null;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  console.log(`ok: better-sqlite3 survived statement collection on Node ${process.version}`);
}
main();
