const SECRET_PARAMS = /^(password|pwd|pass|secret|token|sslpassword|sslkey)$/i;

/**
 * The URL with any password removed: `user:secret@` becomes `user:***@`, and query
 * parameters such as `password=` are masked. A text that is not a URL is returned with
 * anything between `:` and `@` in its authority part masked, so nothing secret leaks.
 */
export function redactUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(url);
  if (!m) return url.replace(/(password|pwd)=([^;&]*)/gi, '$1=***');
  const [, scheme, authority, rest] = m as unknown as [string, string, string, string];
  const at = authority.lastIndexOf('@');
  let auth = authority;
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(':');
    auth = (colon >= 0 ? `${userinfo.slice(0, colon)}:***` : userinfo) + authority.slice(at);
  }
  const q = rest.indexOf('?');
  let tail = rest;
  if (q >= 0) {
    const [path, query] = [rest.slice(0, q), rest.slice(q + 1)];
    const hash = query.indexOf('#');
    const qs = hash >= 0 ? query.slice(0, hash) : query;
    const masked = qs
      .split('&')
      .map((kv) => {
        const eq = kv.indexOf('=');
        return eq >= 0 && SECRET_PARAMS.test(decodeURIComponentSafe(kv.slice(0, eq))) ? `${kv.slice(0, eq)}=***` : kv;
      })
      .join('&');
    tail = `${path}?${masked}${hash >= 0 ? query.slice(hash) : ''}`;
  }
  return scheme + auth + tail;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
