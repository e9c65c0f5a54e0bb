import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { PermanentDeliveryError, TransientDeliveryError } from '../errors.js';
import { ChannelNotConfigured } from './not-configured.js';
import type { Deliver } from './types.js';

/**
 * E-mail through SMTP (nodemailer): the files attached and a short summary in the body; above
 * the size limit the body carries download links instead of attachments. The Message-ID is made
 * of the run's idempotency key and the target, so a receiving server or a person can see a
 * retried delivery is the same message. SMTP 5xx replies are permanent, 4xx and network errors
 * are retried.
 */
export const deliver: Deliver<'email'> = async (report, target, ctx) => {
  const { smtpUrl, mailFrom, mailMaxBytes } = ctx.settings;
  if (!smtpUrl || !mailFrom) throw new ChannelNotConfigured('e-mail', ['OTC_SMTP_URL', 'OTC_MAIL_FROM']);
  const total = report.files.reduce((s, f) => s + f.bytes, 0);
  const attach = total <= mailMaxBytes;
  const lines = [report.title, `Data as of ${report.asOf}.`, '', report.summary, ''];
  if (report.files.length === 0) {
    // a notice (a failed run): the summary says it all
  } else if (attach) lines.push(`Attached: ${report.files.map((f) => f.name).join(', ')}.`);
  else {
    lines.push(`The files (${(total / 1e6).toFixed(1)} MB) are above the e-mail size limit; download them here:`);
    for (const f of report.files) lines.push(`  ${f.name}: ${report.linkFor(f) ?? '(no public URL configured: open the run on the Reports page)'}`);
  }
  if (report.runLink) lines.push('', `Run log: ${report.runLink}`);
  const transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: ctx.timeoutMs, greetingTimeout: ctx.timeoutMs, socketTimeout: ctx.timeoutMs } as SMTPTransport.Options);
  try {
    const info = await transport.sendMail({
      from: mailFrom,
      to: target.to,
      ...(target.cc?.length ? { cc: target.cc } : {}),
      subject: report.subject ?? `${report.title} (data as of ${report.asOf})`,
      text: lines.join('\n'),
      messageId: `<${report.idempotencyKey}.${ctx.targetKey}@otc-copilot>`,
      headers: { 'X-OTC-Run-Id': report.runId },
      attachments: attach ? report.files.map((f) => ({ filename: f.name, path: f.path })) : [],
    });
    return { recipients: [...target.to, ...(target.cc ?? [])], details: { messageId: info.messageId, accepted: info.accepted.map(String), rejected: info.rejected.map(String), attached: attach, response: info.response } };
  } catch (e) {
    const code = (e as { responseCode?: number }).responseCode;
    const message = `the SMTP server refused the message: ${(e as Error).message}`;
    if (code !== undefined && code >= 500) throw new PermanentDeliveryError(message, { cause: e });
    throw new TransientDeliveryError(code !== undefined ? message : `the SMTP server could not be reached: ${(e as Error).message}`, { cause: e });
  } finally {
    transport.close();
  }
};
