import { open } from 'node:fs/promises';
import { send } from './http.js';
import { ChannelNotConfigured } from './not-configured.js';
import type { Deliver } from './types.js';

/** Upload chunks: a multiple of 320 KiB, as Graph asks. */
const CHUNK = 320 * 1024 * 10;

/**
 * SharePoint / OneDrive through Microsoft Graph: an app token (client credentials), then one
 * upload session per file into the target folder of the configured drive, the file sent in
 * 3.2 MB ranges (Content-Range) to the session's URL (which takes no Authorization header).
 */
export const deliver: Deliver<'sharepoint'> = async (report, target, ctx) => {
  const s = ctx.settings;
  if (!s.graphTenantId || !s.graphClientId || !s.graphClientSecret || !s.graphDriveId) throw new ChannelNotConfigured('SharePoint', ['OTC_GRAPH_TENANT_ID', 'OTC_GRAPH_CLIENT_ID', 'OTC_GRAPH_CLIENT_SECRET', 'OTC_GRAPH_DRIVE_ID']);
  const tokenRes = await send('the Microsoft identity platform', `${s.graphLoginUrl}/${encodeURIComponent(s.graphTenantId)}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: s.graphClientId, client_secret: s.graphClientSecret, scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' }).toString(),
    timeoutMs: ctx.timeoutMs,
  });
  const token = ((await tokenRes.json()) as { access_token: string }).access_token;
  const folder = target.folder.split('/').filter(Boolean).map(encodeURIComponent).join('/');
  const items: { name: string; id?: string; webUrl?: string }[] = [];
  for (const f of report.files) {
    const itemPath = `${folder ? `${folder}/` : ''}${encodeURIComponent(f.name)}`;
    const sessionRes = await send('Microsoft Graph (createUploadSession)', `${s.graphBaseUrl}/drives/${encodeURIComponent(s.graphDriveId)}/root:/${itemPath}:/createUploadSession`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ item: { '@microsoft.graph.conflictBehavior': 'replace', name: f.name } }),
      timeoutMs: ctx.timeoutMs,
    });
    const { uploadUrl } = (await sessionRes.json()) as { uploadUrl: string };
    const fh = await open(f.path, 'r');
    try {
      let offset = 0;
      let last: Response | undefined;
      const buf = Buffer.alloc(Math.min(CHUNK, Math.max(1, f.bytes)));
      while (offset < f.bytes || (f.bytes === 0 && !last)) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
        const end = offset + bytesRead - 1;
        last = await send('Microsoft Graph (upload)', uploadUrl, {
          method: 'PUT',
          headers: { 'content-length': String(bytesRead), 'content-range': `bytes ${offset}-${end}/${f.bytes}` },
          body: buf.subarray(0, bytesRead),
          timeoutMs: ctx.timeoutMs,
        });
        offset += bytesRead;
        if (bytesRead === 0) break;
      }
      const item = (await last!.json().catch(() => ({}))) as { id?: string; webUrl?: string };
      items.push({ name: f.name, ...(item.id ? { id: item.id } : {}), ...(item.webUrl ? { webUrl: item.webUrl } : {}) });
    } finally {
      await fh.close();
    }
  }
  return { recipients: [`sharepoint:${target.folder}`], details: { items } };
};
