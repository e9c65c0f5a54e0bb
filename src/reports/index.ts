/**
 * The Extract Manager: saved questions, report templates, runs, renderers (CSV, XLSX, PDF) and
 * delivery channels (e-mail, Slack, Teams, SharePoint/OneDrive, file share, webhook).
 */
export { ReportErrorCode, PermanentDeliveryError, TransientDeliveryError } from './errors.js';
export { saveQuestion, saveAnswer, listSaved, getSaved, deleteSaved, savedStatus, runSaved, toPipelineSaved, type SavedQuestion, type SavedStatus, type SaveInput } from './saved.js';
