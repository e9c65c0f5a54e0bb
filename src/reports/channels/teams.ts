import { send } from './http.js';
import { ChannelNotConfigured } from './not-configured.js';
import type { Deliver } from './types.js';

/**
 * Microsoft Teams: a Workflows webhook ("When a Teams webhook request is received") posted a
 * message with an Adaptive Card: title, data-as-of stamp, summary, files, and a link to the run.
 */
export const deliver: Deliver<'teams'> = async (report, target, ctx) => {
  const url = ctx.settings.teamsWebhookUrl;
  if (!url) throw new ChannelNotConfigured('Teams', ['OTC_TEAMS_WEBHOOK_URL']);
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      { type: 'TextBlock', text: report.title, weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'TextBlock', text: `Data as of ${report.asOf}`, isSubtle: true, spacing: 'None' },
      { type: 'TextBlock', text: report.summary, wrap: true },
      { type: 'FactSet', facts: report.files.map((f) => ({ title: f.name, value: `${f.rows.toLocaleString('en-US')} rows, ${(f.bytes / 1024).toFixed(0)} KB` })) },
    ],
    actions: report.runLink ? [{ type: 'Action.OpenUrl', title: 'Open the report', url: report.runLink }] : [],
  };
  const res = await send('the Teams workflow webhook', url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] }),
    timeoutMs: ctx.timeoutMs,
  });
  return { recipients: [`teams:${target.label ?? 'workflow'}`], details: { status: res.status } };
};
