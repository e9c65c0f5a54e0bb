/**
 * Well-formed text. A JavaScript string may hold a lone UTF-16 surrogate (from a JSON `\ud800`
 * escape, for one), which no UTF-8 database can store: SQLite and PostgreSQL read it back as
 * U+FFFD, another string than the one the program held. PostgreSQL text cannot hold NUL at all.
 * Text that is stored, hashed or compared must therefore be checked (or made well-formed) where
 * it enters the system.
 */

/** A lone high surrogate, a lone low surrogate, or NUL. */
const ILL_FORMED = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\u0000/g;

/** True when `s` holds no lone surrogate and no NUL (so it survives any UTF-8 store unchanged). */
export function isWellFormedText(s: string): boolean {
  ILL_FORMED.lastIndex = 0;
  return !ILL_FORMED.test(s);
}

/** `s` with every lone surrogate and NUL replaced by U+FFFD (what a UTF-8 encoder would write). */
export function toWellFormedText(s: string): string {
  return isWellFormedText(s) ? s : s.replace(ILL_FORMED, '\ufffd');
}

/** A JSON value with every string (object keys too) made well-formed; other values unchanged. */
export function toWellFormedJson<T>(value: T): T {
  if (typeof value === 'string') return toWellFormedText(value) as T;
  if (Array.isArray(value)) return value.map((v) => toWellFormedJson(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      // defineProperty: a "__proto__" key (JSON.parse makes it an own property) stays a key
      Object.defineProperty(out, toWellFormedText(k), { value: toWellFormedJson(v), enumerable: true, writable: true, configurable: true });
    }
    return out as T;
  }
  return value;
}

/** The path (`body.username`, `query.q`…) of the first string in `value` that is not well-formed, or undefined. */
export function findIllFormedText(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return isWellFormedText(value) ? undefined : path;
  if (depth > 32 || !value || typeof value !== 'object' || ArrayBuffer.isView(value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = findIllFormedText(value[i], `${path}[${i}]`, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!isWellFormedText(k)) return `${path} (a key)`;
    const p = findIllFormedText(v, `${path}.${k}`, depth + 1);
    if (p) return p;
  }
  return undefined;
}
