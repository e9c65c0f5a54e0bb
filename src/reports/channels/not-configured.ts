import { OtcError } from '../../shared/errors.js';
import { ReportErrorCode } from '../errors.js';

/** A channel whose settings are missing: permanent for the delivery (a retry cannot fix it), named by its variables. */
export class ChannelNotConfigured extends OtcError {
  constructor(channel: string, variables: string[]) {
    super(ReportErrorCode.ChannelNotConfigured, `The ${channel} channel is not configured: set ${variables.join(', ')}.`, { status: 409 });
    this.name = 'ChannelNotConfigured';
  }
}
