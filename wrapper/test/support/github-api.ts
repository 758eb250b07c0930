// A GitHub REST API stand-in on 127.0.0.1 for the PR comment: lists a PR's comments (paginated
// with a Link header, like GitHub), lists the repository's comments newest first, creates and
// updates comments, and answers GET /user as GitHub does (403 for the Actions token, the person
// for a personal token, `tokenUser`). Modes: `forbidden` answers writes with 403 as a fork's read-only token gets,
// `error` answers everything with 500, `hang` never answers. It records every request it received
// (whether the token matched, never the token itself).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type GithubMode = 'ok' | 'forbidden' | 'error' | 'hang';

export interface StoredComment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: string };
  updated_at: string;
}

export interface GithubRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorized: boolean;
  body: { body?: string } | null;
}

export interface GithubStandIn {
  url: string;
  repository: string;
  token: string;
  mode: GithubMode;
  /** Whose token it is: undefined for the Actions token (a bot), else a person (a personal token). */
  tokenUser: { login: string; type: string } | undefined;
  comments: StoredComment[];
  requests: GithubRequest[];
  /** Adds a comment as someone else would (a person, another bot). */
  seed(issue: number, body: string, user?: { login: string; type: string }): StoredComment;
  close(): Promise<void>;
}

export const BOT = { login: 'github-actions[bot]', type: 'Bot' };

export async function startGithubStandIn(
  options: { repository?: string; token?: string; mode?: GithubMode } = {},
): Promise<GithubStandIn> {
  const repository = options.repository ?? 'acme/widgets';
  const token = options.token ?? 'ghs_TESTTOKEN0123456789abcdefghijklmnopqrs';
  const comments: StoredComment[] = [];
  const requests: GithubRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  let nextId = 1000;
  let clock = Date.parse('2026-11-01T00:00:00Z');
  const stamp = () => {
    clock += 1000;
    return new Date(clock).toISOString();
  };
  const seed = (issue: number, body: string, user = { login: 'someone', type: 'User' }) => {
    const c = { id: ++nextId, issue, body, user, updated_at: stamp() };
    comments.push(c);
    return c;
  };

  const prefix = `/repos/${repository}/issues`;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let body: { body?: string } | null = null;
      try {
        body =
          chunks.length > 0
            ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body?: string })
            : null;
      } catch {
        body = null;
      }
      requests.push({
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorized: req.headers.authorization === `Bearer ${token}`,
        body,
      });
      if (stand.mode === 'hang') return;
      const send = (status: number, data: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(data));
      if (stand.mode === 'error') return send(500, { message: 'Server Error' });
      if (req.headers.authorization !== `Bearer ${token}`) return send(401, { message: 'Bad credentials' });
      const write = req.method === 'POST' || req.method === 'PATCH';
      if (write && stand.mode === 'forbidden')
        return send(403, { message: 'Resource not accessible by integration' });
      const view = (c: StoredComment) => ({ id: c.id, body: c.body, user: c.user, updated_at: c.updated_at });
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
      const page = Number(url.searchParams.get('page') ?? 1);
      const paged = (list: StoredComment[]) => {
        const slice = list.slice((page - 1) * perPage, page * perPage);
        const headers: Record<string, string> = {};
        if (page * perPage < list.length) {
          const next = new URL(url.toString().replace('http://127.0.0.1', stand.url));
          next.searchParams.set('page', String(page + 1));
          headers.link = `<${next}>; rel="next"`;
        }
        send(200, slice.map(view), headers);
      };
      if (url.pathname === '/user' && req.method === 'GET') {
        if (!stand.tokenUser) return send(403, { message: 'Resource not accessible by integration' });
        return send(200, stand.tokenUser);
      }
      const issueMatch = new RegExp(`^${prefix}/(\\d+)/comments$`).exec(url.pathname);
      const commentMatch = new RegExp(`^${prefix}/comments/(\\d+)$`).exec(url.pathname);
      if (issueMatch && req.method === 'GET') {
        return paged(comments.filter((c) => c.issue === Number(issueMatch[1])));
      }
      if (issueMatch && req.method === 'POST' && typeof body?.body === 'string') {
        const c = seed(Number(issueMatch[1]), body.body, stand.tokenUser ?? BOT);
        return send(201, view(c));
      }
      if (commentMatch && req.method === 'PATCH' && typeof body?.body === 'string') {
        const c = comments.find((x) => x.id === Number(commentMatch[1]));
        if (!c) return send(404, { message: 'Not Found' });
        // As on GitHub: only the author may edit a comment.
        if (c.user.login !== (stand.tokenUser ?? BOT).login) return send(403, { message: 'Forbidden' });
        c.body = body.body;
        c.updated_at = stamp();
        return send(200, view(c));
      }
      if (url.pathname === `${prefix}/comments` && req.method === 'GET') {
        const newest = [...comments].sort((a, b) => b.updated_at.localeCompare(a.updated_at));
        return paged(newest);
      }
      send(404, { message: 'Not Found' });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const stand: GithubStandIn = {
    url: `http://127.0.0.1:${port}`,
    repository,
    token,
    mode: options.mode ?? 'ok',
    tokenUser: undefined,
    comments,
    requests,
    seed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return stand;
}
