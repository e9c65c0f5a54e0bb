/**
 * The load generator of bench:load, in its own process (forked by scripts/bench-load.ts), as
 * autocannon's command line would be: the server's event loop does not also build and parse the
 * clients' HTTP, so the asks' latency and the server's CPU per ask are the server's own. The
 * client's CPU is still spent on the same machine (and reported by the bench beside the server's).
 *
 * Receives one LoadRun message, asks for `duration` seconds over `connections` connections
 * (question i from QUESTIONS[i % n], session i % sessions), answers with a LoadResult, and waits
 * for the next run or the end of its channel.
 */
import autocannon from 'autocannon';

export interface LoadRun {
  base: string;
  connections: number;
  duration: number;
  sessions: { cookie: string; csrf: string }[];
  questions: string[];
}

export interface LoadResult {
  /** Milliseconds of every answered request (any status), in the order they ended. */
  latencies: number[];
  errors: number;
  timeouts: number;
  non2xx: number;
  /** 2xx answers whose status was not 'answered'. */
  answerErrors: number;
  /** This process's CPU during the run (user + system, ms). */
  cpuMs: number;
}

function run(r: LoadRun): Promise<LoadResult> {
  let n = 0;
  let answerErrors = 0;
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const inst = autocannon(
      {
        url: r.base,
        connections: r.connections,
        duration: r.duration,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: '/api/ask',
            setupRequest: (req) => {
              const i = n++;
              const s = r.sessions[i % r.sessions.length]!;
              return { ...req, headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf }, body: JSON.stringify({ question: r.questions[i % r.questions.length] }) };
            },
            onResponse: (status, body) => {
              if (status < 300 && !body.includes('"status":"answered"')) answerErrors++;
            },
          },
        ],
      },
      (err, res) => {
        if (err) return reject(err);
        const cpu = process.cpuUsage(cpu0);
        resolve({ latencies, errors: res.errors, timeouts: res.timeouts, non2xx: res.non2xx, answerErrors, cpuMs: (cpu.user + cpu.system) / 1000 });
      },
    );
    inst.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
  });
}

process.on('message', (m: LoadRun) => {
  run(m).then(
    (res) => process.send!({ ok: true, res }),
    (e: unknown) => process.send!({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
process.on('disconnect', () => process.exit(0));
