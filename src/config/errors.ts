import { OtcError } from '../shared/errors.js';

export class ConfigError extends OtcError {
  constructor(message: string, hint?: string) {
    super('OTC_ERR_CONFIG', message, { status: 500, hint });
    this.name = 'ConfigError';
  }
}
