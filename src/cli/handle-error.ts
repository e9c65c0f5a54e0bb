import type { Command, CommanderError } from 'commander';
import { describeError, isOtcError, OtcError } from '../shared/errors.js';

/** Exit 2: the command line or the configuration is wrong (a person must change what they typed or set). */
function isUsageError(e: unknown): boolean {
  if (!isOtcError(e)) return false;
  return e.code === 'OTC_ERR_CONFIG' || e.code === 'OTC_ERR_USAGE' || e.code.startsWith('OTC_ERR_BAD_') || e.code.endsWith('_CONFIG');
}

/**
 * Masks secrets that may sit in a message from a library: the password of a
 * `scheme://user:password@host` URL and `password=…` style parameters.
 */
export function scrubMessage(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s@/]*@/gi, '$1***@')
    .replace(/\b(password|pwd|passwd|secret|token|api[_-]?key)=([^;&\s'"]+)/gi, '$1=***');
}

/**
 * The one place where the CLI turns an error into what a person reads: a single line with a
 * stable code, never a stack trace (set OTC_DEBUG=1 to see one). Exit code 2 for usage and
 * configuration errors, 1 otherwise.
 */
export function handleError(e: unknown): never {
  // One line: a message that spans lines (a driver's multi-line text) is joined.
  process.stderr.write(scrubMessage(describeError(e)).replace(/\s*\r?\n\s*/g, ' ').trim() + '\n');
  if (process.env.OTC_DEBUG && e instanceof Error && e.stack) process.stderr.write(scrubMessage(e.stack) + '\n');
  process.exit(isUsageError(e) ? 2 : 1);
}

/** Wraps a command action so every failure goes through handleError. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      handleError(e);
    }
  };
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Commander's own errors (unknown option or command, missing argument or option, a group such as
 * `audit` called without its subcommand) become the same one coded line as every other error:
 * `OTC_ERR_USAGE: …`, exit 2, without the help text. `--help` and `--version` still exit 0.
 * Applied to the program and every subcommand (addCommand does not pass these settings down).
 */
export function routeCommanderErrors(cmd: Command): void {
  cmd.configureOutput({ outputError: () => undefined, writeErr: () => undefined });
  cmd.exitOverride((err: CommanderError) => {
    if (err.exitCode === 0) process.exit(0); // --help, --version, `help <command>`
    const path = commandPath(cmd);
    const message =
      err.code === 'commander.help'
        ? `${path}: give a command: ${cmd.commands.map((c) => c.name()).filter((n) => n !== 'help').join(', ')}`
        : `${path}: ${err.message.replace(/^error:\s*/i, '')}`;
    handleError(new OtcError('OTC_ERR_USAGE', message, { status: 400, hint: `${path} --help shows the usage` }));
  });
  for (const sub of cmd.commands) routeCommanderErrors(sub);
}
