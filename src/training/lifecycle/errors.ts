import { OtcError } from '../../shared/errors.js';

/** Stable error codes of the training lifecycle. */
export const TrainingErrorCode = {
  NotTrained: 'OTC_ERR_NOT_TRAINED',
  VersionNotFound: 'OTC_ERR_TRAINING_VERSION_NOT_FOUND',
  NotValidated: 'OTC_ERR_TRAINING_NOT_VALIDATED',
  AlreadyActive: 'OTC_ERR_TRAINING_ALREADY_ACTIVE',
  BadBundle: 'OTC_ERR_TRAINING_BAD_BUNDLE',
  BadFeedback: 'OTC_ERR_FEEDBACK_INVALID',
  ReasonRequired: 'OTC_ERR_TRAINING_REASON_REQUIRED',
  ExportTarget: 'OTC_ERR_TRAINING_EXPORT_TARGET',
} as const;

/** No active training version: asking is refused until an admin activates one. */
export function notTrained(datasourceKey: string, detail?: string): OtcError {
  return new OtcError(
    TrainingErrorCode.NotTrained,
    `no active training profile for ${datasourceKey}${detail ? ` (${detail})` : ''}. An admin must import, validate and activate a training profile for ${datasourceKey}: ` +
      `otc-copilot train import <profile-folder> --db <url>, then otc-copilot train validate <version> --db <url>, then otc-copilot train activate <version> --reason "…"`,
    { status: 409, hint: 'questions are answered only under an active, validated training version' },
  );
}

export function versionNotFound(what: string, datasourceKey: string): OtcError {
  return new OtcError(TrainingErrorCode.VersionNotFound, `training version ${what} of ${datasourceKey} does not exist`, {
    status: 404,
    hint: 'otc-copilot train list shows the versions',
  });
}

export function notValidated(version: number, datasourceKey: string, problems: string[]): OtcError {
  const why = problems.length
    ? `its validation failed with ${problems.length} problem(s): ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''}`
    : 'it has not been validated yet';
  return new OtcError(TrainingErrorCode.NotValidated, `version ${version} of ${datasourceKey} cannot be activated: ${why}`, {
    status: 409,
    details: { problems },
    hint: problems.length ? 'fix the profile, import it again and validate the new version' : `run otc-copilot train validate ${version} first`,
  });
}

export function alreadyActive(version: number, datasourceKey: string): OtcError {
  return new OtcError(TrainingErrorCode.AlreadyActive, `version ${version} is already the active training version of ${datasourceKey}`, { status: 409 });
}

export function badBundle(message: string): OtcError {
  return new OtcError(TrainingErrorCode.BadBundle, message, { status: 400, hint: 'a training bundle is the JSON written by otc-copilot train export --out FILE.json' });
}

export function badFeedback(message: string): OtcError {
  return new OtcError(TrainingErrorCode.BadFeedback, message, { status: 400 });
}

export function reasonRequired(action: string): OtcError {
  return new OtcError(TrainingErrorCode.ReasonRequired, `a ${action} needs a reason (who asked for it and why)`, { status: 400, hint: 'pass --reason "…"' });
}
