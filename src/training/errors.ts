import { OtcError } from '../shared/errors.js';

/** The profile folder is missing, unreadable or not valid YAML / not the profile's shape. */
/** The profile folder given does not exist. */
export function profileNotFound(dir: string): OtcError {
  return new OtcError('OTC_ERR_PROFILE_NOT_FOUND', `profile folder not found: ${dir}`, {
    status: 400,
    hint: 'give --model the folder holding profile.yaml (e.g. profiles/otc-ops)',
  });
}

export function profileInvalid(message: string, problems: string[] = []): OtcError {
  return new OtcError('OTC_ERR_PROFILE_INVALID', problems.length ? `${message}: ${problems.join('; ')}` : message, {
    status: 400,
    details: { problems },
    hint: 'fix the profile files named above and train again',
  });
}

/** The profile names tables or columns the connected database does not have. */
export function profileSchemaMismatch(missing: string[]): OtcError {
  return new OtcError(
    'OTC_ERR_PROFILE_SCHEMA_MISMATCH',
    `the profile names ${missing.length} table(s)/column(s) the database does not have: ${missing.join(', ')}`,
    { status: 400, details: { missing }, hint: 'check the profile against the connected database' },
  );
}

/** A trained model file could not be read. */
export function modelInvalid(message: string): OtcError {
  return new OtcError('OTC_ERR_MODEL_INVALID', message, { status: 400 });
}
