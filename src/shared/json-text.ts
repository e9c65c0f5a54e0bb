/**
 * JSON text read back from a store, exactly. V8 12.8 to at least 14.6 (Node 22, 24 and 26) has a
 * bug in JSON.parse (nodejs/node#63785, chromium 521080746): after an object with a `\\` key was
 * parsed, an escaped key of another object of the same shape (`"\n"`, `"\""`) can come back as a
 * single backslash. A record's details read with the wrong key no longer hash to what was stored,
 * and the audit chain reads as tampered with. Texts where some key holds an escape are therefore
 * read with json5's parser (plain JavaScript, which builds objects key by key); every other text,
 * almost all of them, with the native parser.
 */
import JSON5 from 'json5';

/** A string followed by a colon (a key) that holds a backslash escape. False positives only cost speed. */
const ESCAPED_KEY = /"(?:[^"\\]|\\.)*\\.(?:[^"\\]|\\.)*"\s*:/;

/** JSON.parse, but right for keys with escapes on every Node version. */
export function parseJsonText(text: string): unknown {
  return ESCAPED_KEY.test(text) ? JSON5.parse(text) : JSON.parse(text);
}
