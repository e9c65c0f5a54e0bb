/**
 * Issue 14, item 9: profile archives are written and read by node-tar instead of a hand-written
 * tar reader/writer. What that buys, and what must still hold.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create } from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfile, readProfileSource, writeProfileTarball } from '../../src/training/index.js';
import { PROFILE_DIR } from '../../src/server/testing.js';

const dir = mkdtempSync(join(tmpdir(), 'otc-tarball-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('profile archives (.tar.gz)', () => {
  it('a document with a long name (over 100 bytes, no folder to split at) round-trips', () => {
    const profile = loadProfile(PROFILE_DIR);
    const name = `${'settlement-instructions-and-standing-payment-details-for-every-counterparty-'.repeat(2)}v2.md`;
    expect(Buffer.byteLength(name)).toBeGreaterThan(100);
    profile.documents.push({ name, text: '# SSIs\nStanding settlement instructions.\n' });
    const file = join(dir, 'long.tar.gz');
    writeProfileTarball(profile, file);
    const back = readProfileSource(file);
    expect(back.profile.documents.map((d) => d.name)).toContain(name);
    expect(back.profile).toEqual(profile);
    // and the system's tar reads it
    const listed = execFileSync('tar', ['tzf', file], { encoding: 'utf8' });
    expect(listed).toContain(name);
  });

  it('the same profile gives the same bytes', () => {
    const profile = loadProfile(PROFILE_DIR);
    writeProfileTarball(profile, join(dir, 'a.tar.gz'));
    writeProfileTarball(profile, join(dir, 'b.tar.gz'));
    expect(readFileSync(join(dir, 'a.tar.gz')).equals(readFileSync(join(dir, 'b.tar.gz')))).toBe(true);
  });

  it('an entry that would leave the profile folder is refused', () => {
    const src = join(dir, 'evil-src');
    mkdirSync(join(src, 'p'), { recursive: true });
    for (const f of ['profile.yaml']) writeFileSync(join(src, 'p', f), readFileSync(join(PROFILE_DIR, f)));
    writeFileSync(join(src, 'escape.md'), 'x');
    const file = join(dir, 'evil.tar.gz');
    create({ file, cwd: join(src, 'p'), sync: true, gzip: true, preservePaths: true }, ['profile.yaml', '../escape.md']);
    expect(() => readProfileSource(file)).toThrow(/outside the profile folder/);
  });

  it('an archive that unpacks to more than 64 MB is refused (a gzip bomb)', () => {
    const big = Buffer.alloc(70 * 1024 * 1024, 0x61);
    const file = join(dir, 'bomb.tar.gz');
    const srcDir = join(dir, 'bomb-src');
    mkdirSync(srcDir, { recursive: true });
    writeFileSync(join(srcDir, 'profile.yaml'), big);
    create({ file, cwd: srcDir, sync: true, gzip: true }, ['profile.yaml']);
    expect(readFileSync(file).length).toBeLessThan(1024 * 1024);
    expect(() => readProfileSource(file)).toThrow(/too large|more than 64 MB/);
  });

  it('something that is not an archive is refused with OTC_ERR_BAD_BUNDLE', () => {
    const file = join(dir, 'junk.tar.gz');
    writeFileSync(file, gzipSync(Buffer.from('not a tar archive at all')));
    expect(() => readProfileSource(file)).toThrow();
  });
});
