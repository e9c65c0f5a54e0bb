import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type Writable } from 'node:stream';

/** A file write stream that counts and hashes the bytes as they pass (no second read of the file). */
export function hashingFile(path: string): { stream: Writable; done: Promise<{ bytes: number; sha256: string }> } {
  const hash = createHash('sha256');
  let bytes = 0;
  const out = createWriteStream(path);
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  tap.pipe(out);
  const done = new Promise<{ bytes: number; sha256: string }>((resolve, reject) => {
    out.on('finish', () => resolve({ bytes, sha256: hash.digest('hex') }));
    out.on('error', reject);
    tap.on('error', reject);
  });
  return { stream: tap, done };
}

/** A file name from a title: lower case, dashes, at most 60 characters. */
export function slug(s: string, fallback = 'report'): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || fallback;
}
