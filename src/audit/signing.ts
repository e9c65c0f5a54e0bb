/**
 * Integrity that does not trust the audit store: an Ed25519 key held outside it signs
 * checkpoints (seq, id, hash, ts of a record: the hash covers the whole chain up to it) and
 * export manifests. Verifiers need only the public key.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { dirname } from 'node:path';
import { OtcError } from '../shared/errors.js';
import { canonicalize } from './canonical.js';
import { AuditErrorCode } from './errors.js';

export interface AuditKeys {
  /** Absent for a verifier that holds only the public key. */
  privateKey?: KeyObject;
  publicKey: KeyObject;
  /** First 16 hex digits of the SHA-256 of the public key (SPKI DER): names the key in checkpoints. */
  keyId: string;
}

/** A signed statement that record `seq` (with this id and hash) was the head of the chain at `ts`. */
export interface Checkpoint {
  seq: number;
  id: string;
  hash: string;
  ts: string;
  key_id: string;
  sig: string;
}

const CHECKPOINT_DOMAIN = 'otc-audit-checkpoint-v1\n';
const MANIFEST_DOMAIN = 'otc-audit-export-manifest-v1\n';

function keyError(message: string, cause?: unknown): OtcError {
  return new OtcError(AuditErrorCode.BadKey, message, {
    status: 500,
    hint: 'OTC_AUDIT_SIGNING_KEY_FILE: an Ed25519 private key (PEM); verifiers: OTC_AUDIT_PUBLIC_KEY_FILE or --public-key',
    ...(cause ? { cause } : {}),
  });
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

function checkEd25519(k: KeyObject, file: string): void {
  if (k.asymmetricKeyType !== 'ed25519') throw keyError(`${file} holds a ${k.asymmetricKeyType ?? 'non-asymmetric'} key, not an Ed25519 key`);
}

/**
 * The signing key from `file` (PEM, PKCS#8). With `create`, a missing file is generated once
 * (mode 0600, never overwritten) with its public key beside it as `<file>.pub`.
 */
export function loadSigningKey(file: string, opts: { create?: boolean } = {}): AuditKeys {
  if (!existsSync(file)) {
    if (!opts.create) throw keyError(`the audit signing key ${file} does not exist`);
    mkdirSync(dirname(file), { recursive: true });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    try {
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' }); // 'wx': another process created it first -> read theirs
      writeFileSync(`${file}.pub`, publicKey.export({ type: 'spki', format: 'pem' }) as string, { mode: 0o644 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw keyError(`cannot write the audit signing key ${file}: ${(e as Error).message}`, e);
    }
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(file));
  } catch (e) {
    throw keyError(`cannot read the audit signing key ${file}: ${(e as Error).message}`, e);
  }
  checkEd25519(privateKey, file);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** A verifier's key: a public key (SPKI PEM), or a private key file from which it is derived. */
export function loadPublicKey(file: string): AuditKeys {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(readFileSync(file));
  } catch (e) {
    throw keyError(`cannot read the audit public key ${file}: ${(e as Error).message}`, e);
  }
  checkEd25519(publicKey, file);
  return { publicKey, keyId: keyIdOf(publicKey) };
}

function signWith(keys: AuditKeys, domain: string, text: string): string {
  if (!keys.privateKey) throw keyError('this audit key is a public key only: it cannot sign');
  return sign(null, Buffer.from(domain + text, 'utf8'), keys.privateKey).toString('base64');
}
function verifyWith(keys: AuditKeys, domain: string, text: string, sig: string): boolean {
  try {
    return verify(null, Buffer.from(domain + text, 'utf8'), keys.publicKey, Buffer.from(sig, 'base64'));
  } catch {
    return false;
  }
}

export function signCheckpoint(keys: AuditKeys, c: { seq: number; id: string; hash: string; ts: string }): Checkpoint {
  const body = { seq: c.seq, id: c.id, hash: c.hash, ts: c.ts, key_id: keys.keyId };
  return { ...body, sig: signWith(keys, CHECKPOINT_DOMAIN, canonicalize(body)) };
}

export function checkpointSignatureOk(keys: AuditKeys, c: Checkpoint): boolean {
  const { sig, ...body } = c;
  return typeof sig === 'string' && verifyWith(keys, CHECKPOINT_DOMAIN, canonicalize(body), sig);
}

/** A well-formed checkpoint, or undefined. */
export function asCheckpoint(v: unknown): Checkpoint | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const c = v as Record<string, unknown>;
  if (typeof c.seq !== 'number' || !Number.isSafeInteger(c.seq) || c.seq < 0) return undefined;
  for (const k of ['id', 'hash', 'ts', 'key_id', 'sig']) if (typeof c[k] !== 'string') return undefined;
  return { seq: c.seq, id: c.id as string, hash: c.hash as string, ts: c.ts as string, key_id: c.key_id as string, sig: c.sig as string };
}

/** Signs an export manifest: `sig` covers the canonical JSON of every other member. */
export function signManifest<T extends Record<string, unknown>>(keys: AuditKeys, manifest: T): T & { key_id: string; sig: string } {
  const body = { ...manifest, key_id: keys.keyId };
  return { ...body, sig: signWith(keys, MANIFEST_DOMAIN, canonicalize(body)) };
}

export function manifestSignatureOk(keys: AuditKeys, manifest: Record<string, unknown>): boolean {
  const { sig, ...body } = manifest;
  return typeof sig === 'string' && verifyWith(keys, MANIFEST_DOMAIN, canonicalize(body), sig);
}

/** Appends one checkpoint line to the file kept outside the store (0600, fsync'ed), off the event loop. */
export function appendCheckpointLine(file: string, c: Checkpoint): Promise<void> {
  return appendCheckpointLines(file, [c]);
}

/** Appends checkpoint lines, in order, with one write and one fsync (the lines waiting while the previous write was on its way to disk). */
export async function appendCheckpointLines(file: string, cs: readonly Checkpoint[]): Promise<void> {
  if (!cs.length) return;
  await mkdir(dirname(file), { recursive: true });
  const fh = await open(file, 'a', 0o600);
  try {
    await fh.appendFile(cs.map((c) => JSON.stringify(c) + '\n').join(''));
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * appendCheckpointLines done synchronously, for the SQLite log's writer thread: there the line of
 * a transaction is written right after its commit, without a round of the server's event loop
 * per file operation. The file stays open between lines: per line one stat of the path (the file
 * deleted, or renamed away and replaced, is opened again at the path, created 0600 with its
 * folder), one write and one fsync, where mkdir + open + close each time were four more system
 * calls per transaction on the writer thread (issue 14 item 7).
 */
export class CheckpointFileSync {
  private fd: number | undefined;
  private ino = -1;
  private dev = -1;

  constructor(readonly file: string) {}

  /** Appends the lines, in order, with one write and one fsync. */
  append(cs: readonly Checkpoint[]): void {
    if (!cs.length) return;
    const text = cs.map((c) => JSON.stringify(c) + '\n').join('');
    const fd = this.current();
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } catch (e) {
      this.close(); // opened afresh on the next line
      throw e;
    }
  }

  /** The open file, when it is still the one at the path; else the path opened (again). */
  private current(): number {
    if (this.fd !== undefined) {
      const st = statSync(this.file, { throwIfNoEntry: false });
      if (st && st.ino === this.ino && st.dev === this.dev) return this.fd;
      this.close();
    }
    mkdirSync(dirname(this.file), { recursive: true });
    const fd = openSync(this.file, 'a', 0o600);
    try {
      const st = fstatSync(fd);
      this.ino = st.ino;
      this.dev = st.dev;
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    this.fd = fd;
    return fd;
  }

  close(): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        /* already unusable: nothing left to release */
      }
    }
  }
}

/** The lines of a checkpoint file (blank lines skipped); a malformed line is returned as `bad`. */
export function readCheckpointFile(file: string): { line: number; cp?: Checkpoint; bad?: string }[] {
  if (!existsSync(file)) return [];
  const out: { line: number; cp?: Checkpoint; bad?: string }[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (!text.trim()) return;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        out.push({ line: i + 1, bad: 'not valid JSON' });
        return;
      }
      const cp = asCheckpoint(v);
      out.push(cp ? { line: i + 1, cp } : { line: i + 1, bad: 'not a checkpoint' });
    });
  return out;
}
