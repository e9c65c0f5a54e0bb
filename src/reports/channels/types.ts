import type { RenderedFile } from '../render/types.js';

/** Where a report goes, per channel. Secrets (tokens, webhook URLs, passwords) are not here: they come from configuration. */
export interface TargetsByChannel {
  email: { to: string[]; cc?: string[] };
  slack: { channelId: string };
  /** The workflow webhook URL is a secret: it comes from OTC_TEAMS_WEBHOOK_URL; the label names the team or channel in receipts. */
  teams: { label?: string };
  sharepoint: { folder: string };
  fileshare: { folder: string };
  webhook: { url: string };
}
export type ChannelName = keyof TargetsByChannel;
export const CHANNEL_NAMES: readonly ChannelName[] = ['email', 'slack', 'teams', 'sharepoint', 'fileshare', 'webhook'];

/** One delivery target of a template: a channel and its address. */
export type DeliveryTarget = { [K in ChannelName]: { channel: K } & TargetsByChannel[K] }[ChannelName];
export type TargetOf<K extends ChannelName> = Extract<DeliveryTarget, { channel: K }>;

/** A rendered report as a channel sees it: the files, a summary, and where they can be downloaded. */
export interface DeliverableReport {
  runId: string;
  /** The run's idempotency key: receiving sides that dedupe get it (Message-ID, Idempotency-Key header). */
  idempotencyKey: string;
  title: string;
  asOf: string;
  /** A few plain lines: the questions and their row counts. */
  summary: string;
  files: RenderedFile[];
  /** A download link of a file of this run (the Reports page), when the server's public URL is known. */
  linkFor(file: RenderedFile): string | undefined;
  /** A link to the run in the Reports page. */
  runLink?: string;
  /** The e-mail subject, when not the title with its as-of date (an owner's notice). */
  subject?: string;
}

/** Channel settings from configuration: the secrets live here and nowhere else. */
export interface ChannelSettings {
  smtpUrl?: string;
  mailFrom?: string;
  /** Attachments above this many bytes in total are replaced by download links. */
  mailMaxBytes: number;
  slackWebhookUrl?: string;
  slackBotToken?: string;
  /** Slack Web API base (tests: a loopback server). */
  slackApiUrl?: string;
  teamsWebhookUrl?: string;
  graphTenantId?: string;
  graphClientId?: string;
  graphClientSecret?: string;
  graphDriveId?: string;
  graphBaseUrl: string;
  graphLoginUrl: string;
  fileShareRoot?: string;
  webhookSecret?: string;
}

export interface DeliveryContext {
  settings: ChannelSettings;
  /** Milliseconds before one attempt gives up (a timeout is retried). */
  timeoutMs: number;
  /** Stable key of this target within the run (for Message-IDs and file names). */
  targetKey: string;
}

/** What the receiving side said: kept as the delivery's receipt. */
export interface DeliveryReceipt {
  recipients: string[];
  /** Ids the other side gave back (message id, item id, upload ids…), never a secret. */
  details: Record<string, unknown>;
}

/** One channel: deliver the report to one target, or throw (PermanentDeliveryError: do not retry). */
export type Deliver<K extends ChannelName> = (report: DeliverableReport, target: TargetOf<K>, ctx: DeliveryContext) => Promise<DeliveryReceipt>;

/** Every channel's handler: a channel added to TargetsByChannel does not compile until it has one. */
export type ChannelHandlers = { [K in ChannelName]: Deliver<K> };
