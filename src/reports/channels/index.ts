import { deliver as email } from './email.js';
import { deliver as fileshare } from './fileshare.js';
import { deliver as sharepoint } from './sharepoint.js';
import { deliver as slack } from './slack.js';
import { deliver as teams } from './teams.js';
import type { ChannelHandlers, DeliverableReport, DeliveryContext, DeliveryReceipt, DeliveryTarget } from './types.js';
import { deliver as webhook } from './webhook.js';

export type { ChannelHandlers, ChannelName, ChannelSettings, DeliverableReport, DeliveryContext, DeliveryReceipt, DeliveryTarget, TargetsByChannel } from './types.js';
export { CHANNEL_NAMES } from './types.js';
export { signWebhook } from './webhook.js';
export { ChannelNotConfigured } from './not-configured.js';

/** Every channel's handler, by name (a mapped type: a new channel needs its handler to compile). */
export const CHANNELS: ChannelHandlers = { email, slack, teams, sharepoint, fileshare, webhook };

/** Delivers to one target through its channel's handler. */
export function deliverTo(report: DeliverableReport, target: DeliveryTarget, ctx: DeliveryContext): Promise<DeliveryReceipt> {
  const handler = CHANNELS[target.channel] as (r: DeliverableReport, t: DeliveryTarget, c: DeliveryContext) => Promise<DeliveryReceipt>;
  return handler(report, target, ctx);
}

/** Recipients of a target for governance (domain allow-list, four eyes): e-mail addresses; others have none. */
export function emailRecipients(target: DeliveryTarget): string[] {
  return target.channel === 'email' ? [...target.to, ...(target.cc ?? [])] : [];
}
