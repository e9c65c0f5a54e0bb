import { OtcError } from '../shared/errors.js';

/** Stable error codes of the Extract Manager (saved questions, templates, runs, deliveries). */
export const ReportErrorCode = {
  SavedNotFound: 'OTC_ERR_SAVED_QUESTION_NOT_FOUND',
  AnswerNotSavable: 'OTC_ERR_ANSWER_NOT_SAVABLE',
  TemplateNotFound: 'OTC_ERR_REPORT_TEMPLATE_NOT_FOUND',
  RunNotFound: 'OTC_ERR_REPORT_RUN_NOT_FOUND',
  RecipientNotAllowed: 'OTC_ERR_RECIPIENT_NOT_ALLOWED',
  ApprovalNeeded: 'OTC_ERR_REPORT_APPROVAL_NEEDED',
  SelfApproval: 'OTC_ERR_REPORT_SELF_APPROVAL',
  DataNotReady: 'OTC_ERR_DATA_NOT_READY',
  Delivery: 'OTC_ERR_DELIVERY_FAILED',
  DeliveryPermanent: 'OTC_ERR_DELIVERY_REFUSED',
  ChannelNotConfigured: 'OTC_ERR_CHANNEL_NOT_CONFIGURED',
  Render: 'OTC_ERR_REPORT_RENDER',
} as const;

export const savedNotFound = (id: string) => new OtcError(ReportErrorCode.SavedNotFound, `No saved question with id ${id}.`, { status: 404 });
export const templateNotFound = (id: string) => new OtcError(ReportErrorCode.TemplateNotFound, `No report template with id ${id}.`, { status: 404 });
export const runNotFound = (id: string) => new OtcError(ReportErrorCode.RunNotFound, `No report run with id ${id}.`, { status: 404 });

/** A delivery the receiving side refused (4xx): retrying cannot help, so it fails at once. */
export class PermanentDeliveryError extends OtcError {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(ReportErrorCode.DeliveryPermanent, message, { status: 502, ...opts });
    this.name = 'PermanentDeliveryError';
  }
}

/** A delivery that failed in a way a retry may fix (timeout, 5xx, connection refused). */
export class TransientDeliveryError extends OtcError {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(ReportErrorCode.Delivery, message, { status: 502, ...opts });
    this.name = 'TransientDeliveryError';
  }
}
