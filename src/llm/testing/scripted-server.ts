/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 (port 0) that answers from a script, one
 * step per request, and records every request. For tests: no language model is reachable from
 * the machines that run them.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body (serialised). */
  body?: unknown;
  /** Raw body text, sent as is (for malformed replies). */
  raw?: string;
  /** Never answer (the client must time out). */
  hang?: boolean;
  /** Close the connection without an HTTP answer. */
  destroy?: boolean;
}

export type ScriptStep = ScriptedReply | ((req: RecordedRequest) => ScriptedReply);

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. /v1/chat/completions. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
}

export interface ScriptedServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  requests: RecordedRequest[];
  /** Steps not used yet. */
  remaining(): number;
  close(): Promise<void>;
}

/** A chat completion body whose first choice says `content`. */
export function chatCompletion(content: string, usage = { prompt_tokens: 120, completion_tokens: 30 }): ScriptedReply {
  return {
    status: 200,
    body: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      model: 'scripted',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    },
  };
}

export async function startScriptedServer(script: ScriptStep[]): Promise<ScriptedServer> {
  const steps = [...script];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, json };
      requests.push(recorded);
      const step = steps.shift();
      const reply: ScriptedReply = step === undefined ? { status: 500, body: { error: { message: 'scripted server: script exhausted' } } } : typeof step === 'function' ? step(recorded) : step;
      if (reply.hang) return;
      if (reply.destroy) {
        req.socket.destroy();
        return;
      }
      const text = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...(reply.headers ?? {}) });
      res.end(text);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    remaining: () => steps.length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
