import { createReadStream } from 'node:fs';
import { ErrorCode, WebClient, type WebAPICallError } from '@slack/web-api';
import { PermanentDeliveryError, TransientDeliveryError } from '../errors.js';
import { send } from './http.js';
import { ChannelNotConfigured } from './not-configured.js';
import type { Deliver } from './types.js';

/**
 * Slack: the message through the incoming webhook, the files through the Web API's external
 * upload (files.getUploadURLExternal, the upload, files.completeUploadExternal) into the target
 * channel. The client's own retries are off: the delivery job retries the whole target.
 */
export const deliver: Deliver<'slack'> = async (report, target, ctx) => {
  const { slackWebhookUrl, slackBotToken, slackApiUrl } = ctx.settings;
  if (!slackWebhookUrl || !slackBotToken) throw new ChannelNotConfigured('Slack', ['OTC_SLACK_WEBHOOK_URL', 'OTC_SLACK_BOT_TOKEN']);
  const text = `*${report.title}* (data as of ${report.asOf})\n${report.summary}${report.runLink ? `\n<${report.runLink}|Run log>` : ''}`;
  await send('the Slack incoming webhook', slackWebhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }), timeoutMs: ctx.timeoutMs });
  if (report.files.length === 0) return { recipients: [`slack:${target.channelId}`], details: { webhook: 'accepted' } };
  const client = new WebClient(slackBotToken, { ...(slackApiUrl ? { slackApiUrl } : {}), retryConfig: { retries: 0 }, timeout: ctx.timeoutMs, rejectRateLimitedCalls: true });
  try {
    const res = await client.filesUploadV2({
      channel_id: target.channelId,
      initial_comment: `${report.title}: files`,
      file_uploads: report.files.map((f) => ({ file: createReadStream(f.path), filename: f.name, title: f.name })),
    });
    const ids = (res.files ?? []).flatMap((c) => ((c as { files?: { id?: string }[] }).files ?? []).map((x) => x.id)).filter(Boolean);
    return { recipients: [`slack:${target.channelId}`], details: { webhook: 'accepted', fileIds: ids } };
  } catch (e) {
    const err = e as WebAPICallError & { statusCode?: number };
    const message = `Slack refused the file upload: ${err.message}`;
    if (err.code === ErrorCode.PlatformError) throw new PermanentDeliveryError(message, { cause: e });
    if (err.code === ErrorCode.HTTPError && err.statusCode !== undefined && err.statusCode < 500 && err.statusCode !== 429 && err.statusCode !== 408) throw new PermanentDeliveryError(message, { cause: e });
    throw new TransientDeliveryError(message, { cause: e });
  }
};
