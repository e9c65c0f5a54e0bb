/**
 * The report handler of the scheduler: a schedule of kind 'report' with payload { templateId }
 * runs that template under the slot's idempotency key, so a retried slot resumes the same run
 * (files rendered once, each target delivered once). A paused template is skipped; a run that
 * cannot succeed by retrying (approval missing, data not ready by the cut-off, a delivery failed
 * for good) fails the slot at once, visibly.
 */
import { isOtcError } from '../shared/errors.js';
import { PermanentRunError, type RunHandler } from '../scheduler/index.js';
import { getTemplate } from './templates.js';
import { runReport, type ReportDeps } from './runs.js';

export const REPORT_HANDLER_KIND = 'report';

export function reportRunHandler(deps: ReportDeps): RunHandler {
  return async (ctx) => {
    const templateId = ctx.payload.templateId;
    if (typeof templateId !== 'string' || !templateId) throw new PermanentRunError('a report schedule needs payload.templateId');
    let t;
    try {
      t = await getTemplate(deps.store, templateId);
    } catch (e) {
      throw new PermanentRunError(e instanceof Error ? e.message : String(e), { cause: e });
    }
    if (t.paused) {
      await deps.audit.append({ kind: 'report_run', actor: `scheduler:${ctx.scheduleName}`, outcome: 'ok', details: { action: 'skipped_paused', templateId, idempotencyKey: ctx.idempotencyKey } });
      return;
    }
    let run;
    try {
      run = await runReport(deps, { templateId, idempotencyKey: ctx.idempotencyKey, actor: `scheduler:${ctx.scheduleName}` });
    } catch (e) {
      if (isOtcError(e) && e.status < 500) throw new PermanentRunError(`${e.code}: ${e.message}`, { cause: e });
      throw e; // store or datasource trouble: the scheduler retries the slot, which resumes this run
    }
    if (run.status !== 'completed') throw new PermanentRunError(`report run ${run.id} ${run.status}: ${run.error ?? ''}`);
  };
}

/** Registers the report handler on a scheduler (serve, and workers that can reach the datasource). */
export function registerReportHandler(scheduler: { registerHandler(kind: string, handler: RunHandler): void }, deps: ReportDeps): void {
  scheduler.registerHandler(REPORT_HANDLER_KIND, reportRunHandler(deps));
}
