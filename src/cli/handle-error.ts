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
    // A hint's own placeholder (user:password@host) stays readable.
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)([^\s@/]*)@/gi, (m, head: string, pw: string) => (/^(pass|password|pwd|\*+)$/i.test(pw) ? m : `${head}***@`))
    .replace(/\b(password|pwd|passwd|secret|token|api[_-]?key)=([^;&\s'"]+)/gi, '$1=***');
}

/**
 * The one place where the CLI turns an error into what a person reads: a single line with a
 * stable code, never a stack trace (set OTC_DEBUG=1 to see one). Exit code 2 for usage and
 * configuration errors, 1 otherwise.
 */
const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
  EEXIST: 'it already exists',
};

/**
 * A system error that reached the CLI without a code of ours (a file a command could not write,
 * a port already taken) as a coded error a person understands; anything else unchanged.
 */
export function fromSystemError(e: unknown): unknown {
  if (isOtcError(e) || !(e instanceof Error)) return e;
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
  if (err.syscall === 'listen' || err.code === 'EADDRINUSE') {
    const where = err.address ? `${err.address}${err.port !== undefined ? `:${err.port}` : ''}` : 'the address';
    if (err.code === 'EADDRINUSE') return new OtcError('OTC_ERR_PORT_IN_USE', `${where} is already in use`, { status: 500, hint: 'another server listens there: stop it or choose another --port / OTC_PORT' });
    if (err.code === 'EACCES') return new OtcError('OTC_ERR_PORT_DENIED', `not allowed to listen on ${where}`, { status: 500, hint: 'ports below 1024 need privileges: choose another --port / OTC_PORT' });
    if (err.code === 'EADDRNOTAVAIL') return new OtcError('OTC_ERR_HOST_UNAVAILABLE', `${where} is not an address of this machine`, { status: 500, hint: 'check --host / OTC_HOST' });
  }
  if (err.code && FS_REASONS[err.code] && err.path) {
    return new OtcError(err.code === 'ENOENT' ? 'OTC_ERR_FILE_NOT_FOUND' : 'OTC_ERR_FILE_ACCESS', `${err.path}: ${FS_REASONS[err.code]}`, { status: 500, cause: e });
  }
  return e;
}

export function handleError(e: unknown): never {
  e = fromSystemError(e);
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
  if (!cmd.parent) {
    // An error escaping every action (an event emitted later, a promise nobody awaited) ends the
    // process the same way: one coded line, exit 1, instead of Node's stack dump.
    process.on('uncaughtException', (e) => handleError(e));
    process.on('unhandledRejection', (e) => handleError(e));
    // The reader of our output went away (`… | head`): nothing is wrong, nothing is left to say.
    process.stdout.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? process.exit(0) : handleError(e)));
  }
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
