import { Command } from 'commander';
import { z } from 'zod';
import { loadConfig, storeUrlOf } from '../../config/index.js';
import type { Scheduler } from '../../scheduler/index.js';
import { action } from '../handle-error.js';
import { parseFlags } from '../parse.js';

/** Opens the store and a scheduler that is not started (it only reads). */
async function withScheduler<T>(f: (s: Scheduler) => Promise<T>): Promise<T> {
  const [{ createScheduler, InProcessBackend }, { openStore }] = await Promise.all([import('../../scheduler/index.js'), import('../../store/index.js')]);
  const store = await openStore(storeUrlOf(loadConfig()));
  const s = createScheduler({ store, backend: new InProcessBackend() });
  try {
    return await f(s);
  } finally {
    await s.close();
    await store.close();
  }
}

const listCmd = new Command('list')
  .description('every schedule: state, when it fires, next fire, catch-up policy')
  .option('--format <f>', 'table or json', 'table')
  .action(
    action(async (raw: Record<string, unknown>) => {
      const o = parseFlags(z.object({ format: z.enum(['table', 'json']) }), raw);
      await withScheduler(async (s) => {
        const all = await s.list();
        if (o.format === 'json') {
          process.stdout.write(JSON.stringify(all, null, 2) + '\n');
          return;
        }
        if (!all.length) process.stdout.write('no schedules\n');
        for (const x of all) process.stdout.write(`${x.id}  ${x.state.padEnd(6)}  ${x.name}  [${x.handler}]  ${x.description}  next ${x.nextFireAt ?? '-'}  catch-up ${x.catchUp}\n`);
      });
    }),
  );

const nextCmd = new Command('next')
  .description('the next fire times of a schedule (by id or name)')
  .argument('<schedule>', 'schedule id or name')
  .option('--count <n>', 'how many (default 5)', '5')
  .action(
    action(async (schedule: string, raw: Record<string, unknown>) => {
      const o = parseFlags(z.object({ count: z.coerce.number().int().min(1).max(100) }), raw);
      await withScheduler(async (s) => {
        const all = await s.list();
        const found = all.find((x) => x.id === schedule) ?? all.find((x) => x.name === schedule);
        const id = found?.id ?? schedule;
        const sch = await s.get(id); // OTC_ERR_SCHEDULE_NOT_FOUND when neither matches
        const times = await s.nextFireTimes(id, o.count);
        process.stdout.write(`${sch.name}: ${sch.description}${sch.state === 'paused' ? ' (paused)' : ''}\n`);
        for (const t of times) process.stdout.write(`${t.toISOString()}  ${t.toLocaleString('en-GB', { timeZone: sch.spec.timeZone, dateStyle: 'full', timeStyle: 'short' })} ${sch.spec.timeZone}\n`);
      });
    }),
  );

export const scheduleCommand = new Command('schedule').description('schedules: list them, show next fire times').addCommand(listCmd).addCommand(nextCmd);
