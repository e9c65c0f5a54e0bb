/**
 * The Extract Manager: saved questions, report templates, runs, renderers (CSV, XLSX, PDF) and
 * delivery channels (e-mail, Slack, Teams, SharePoint/OneDrive, file share, webhook).
 */
export { ReportErrorCode, PermanentDeliveryError, TransientDeliveryError } from './errors.js';
export { saveQuestion, saveAnswer, listSaved, getSaved, deleteSaved, savedStatus, runSaved, toPipelineSaved, type SavedQuestion, type SavedQuestionView, type SavedStatus, type SaveInput } from './saved.js';
export { createTemplate, getTemplate, listTemplates, approveTemplate, setPaused, checkRecipients, type ReportTemplate, type TemplateInput, type TemplateItem, type Readiness, type Governance, type Approval } from './templates.js';
export { runReport, getRun, listRuns, runFilePath, describeTarget, targetKey, type ReportDeps, type ReportSettings, type RunView, type DeliveryView, type QuestionReceipt, type RunStatus, type StartRun } from './runs.js';
export { CHANNELS, CHANNEL_NAMES, deliverTo, signWebhook, type ChannelName, type ChannelSettings, type DeliveryTarget, type DeliverableReport, type DeliveryReceipt } from './channels/index.js';
export { renderReport, REPORT_FORMATS, type ReportFormat, type RenderedFile } from './render/index.js';
export { reportSettingsFromConfig } from './config.js';
export { registerReportHandler, reportRunHandler, REPORT_HANDLER_KIND } from './scheduled.js';
export { activePipeline } from './active-pipeline.js';
export { DASHBOARD_FORMATS, checkDashboardContent, type DashboardContent, type DashboardFormat, type DashboardReports, type RenderedWidget } from './dashboard-content.js';
