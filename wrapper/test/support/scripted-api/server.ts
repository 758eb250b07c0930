// A scripted Anthropic Messages API on 127.0.0.1 for running the real Claude Code CLI in tests:
// SSE streaming, tool_use turns, any model (echoed back), API errors, slow and hung responses.
// It records what it was asked (never the API key) so tests can check what Claude Code sent.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { findScenario, num, replyFor, type Scenario, turnUsage } from './scenario.js';

export interface RecordedRequest {
  path: string;
  model: string | undefined;
  scenario: string | undefined;
  params: Record<string, string>;
  turn: number;
  stream: boolean;
  at: number;
  headers: Record<string, string>;
}

export interface ScriptedApi {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /**
   * Holds the answers to requests whose scenario has this `tag`: each waits, after its delay, until
   * released. For tests that need a run paused at a known point while Claude Code itself waits.
   */
  hold(tag: string): void;
  /** Lets `count` held or later answers of the tag go (all of them, and holds no more, without it). */
  release(tag: string, count?: number): void;
  /** Answers of the tag being held now. */
  held(tag: string): number;
  /** Answers of the tag sent so far. */
  answered(tag: string): number;
  close(): Promise<void>;
}

interface Hold {
  allowance: number;
  queue: (() => void)[];
}

interface MessagesBody {
  model?: string;
  stream?: boolean;
  max_tokens?: number;
  messages?: { role: string; content: unknown }[];
}

const SECRET_HEADERS = new Set(['x-api-key', 'authorization', 'cookie']);

export async function startScriptedApi(options: { port?: number } = {}): Promise<ScriptedApi> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const holds = new Map<string, Hold>();
  const answeredByTag = new Map<string, number>();
  let counter = 0;
  const drain = (hold: Hold) => {
    while (hold.allowance > 0 && hold.queue.length > 0) {
      hold.allowance--;
      hold.queue.shift()?.();
    }
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (req.method !== 'POST' || !path.startsWith('/v1/messages')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      let body: MessagesBody = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as MessagesBody;
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'bad JSON' } }),
        );
        return;
      }
      if (path.endsWith('/count_tokens')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ input_tokens: 42 }));
        return;
      }
      const messages = body.messages ?? [];
      const scenario = findScenario(firstUserText(messages));
      const turn = messages.filter((m) => m.role === 'assistant').length;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (!SECRET_HEADERS.has(k) && typeof v === 'string') headers[k] = v;
      }
      requests.push({
        path,
        model: body.model,
        scenario: scenario?.name,
        params: scenario?.params ?? {},
        turn,
        stream: body.stream === true,
        at: Date.now(),
        headers,
      });
      const id = `msg_scripted_${++counter}_${process.pid}`;
      const delay = num(scenario, 'delay', 0);
      const tag = scenario?.params.tag;
      const send = () => {
        if (tag !== undefined) answeredByTag.set(tag, (answeredByTag.get(tag) ?? 0) + 1);
        answer(res, body, scenario, turn, id);
      };
      const respond = () => {
        const hold = tag === undefined ? undefined : holds.get(tag);
        if (!hold) return send();
        hold.queue.push(send);
        drain(hold);
      };
      if (delay > 0) setTimeout(respond, delay);
      else respond();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    hold: (tag) => {
      if (!holds.has(tag)) holds.set(tag, { allowance: 0, queue: [] });
    },
    release: (tag, count) => {
      const hold = holds.get(tag);
      if (!hold) return;
      if (count === undefined) {
        holds.delete(tag);
        for (const send of hold.queue.splice(0)) send();
        return;
      }
      hold.allowance += count;
      drain(hold);
    },
    held: (tag) => holds.get(tag)?.queue.length ?? 0,
    answered: (tag) => answeredByTag.get(tag) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function firstUserText(messages: { role: string; content: unknown }[]): string {
  for (const m of messages) {
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      const texts = m.content
        .map((b) => (b && typeof b === 'object' && 'text' in b ? String((b as { text: unknown }).text) : ''))
        .join('\n');
      if (texts.includes('[[scenario:')) return texts;
    }
  }
  return '';
}

/** Like the real API, every answer names its request (Claude Code writes it into transcripts). */
function requestIdFor(messageId: string): string {
  return messageId.replace(/^msg_/, 'req_');
}

function answer(
  res: http.ServerResponse,
  body: MessagesBody,
  scenario: Scenario | undefined,
  turn: number,
  id: string,
) {
  const model = body.model ?? 'claude-sonnet-4-5';
  const reply = replyFor(scenario, turn);
  if (reply.kind === 'hang') return; // never answers; the client must time out or be cancelled
  if (reply.kind === 'http_error') {
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'error', error: { type: reply.type, message: reply.message } }));
    return;
  }
  const usage = turnUsage(scenario, turn);
  const content: Record<string, unknown>[] = [];
  if (reply.text) content.push({ type: 'text', text: reply.text });
  if (reply.kind === 'tool_use') {
    content.push({ type: 'tool_use', id: `toolu_${id}`, name: reply.name, input: reply.input });
  }
  const stopReason = reply.kind === 'tool_use' ? 'tool_use' : 'end_turn';
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestIdFor(id) });
    res.end(
      JSON.stringify({
        id,
        type: 'message',
        role: 'assistant',
        model,
        content,
        stop_reason: stopReason,
        usage,
      }),
    );
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'request-id': requestIdFor(id),
  });
  const send = (type: string, data: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  send('message_start', {
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  content.forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
    } else {
      send('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      send('content_block_delta', {
        index,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
      });
    }
    send('content_block_stop', { index });
  });
  send('message_delta', {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  });
  send('message_stop', {});
  res.end();
}
