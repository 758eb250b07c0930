// The few GitHub REST calls the PR comment needs: whose token it is, list a PR's comments
// (following pagination), list the repository's recent comments, create and update one. Every call has a timeout; the
// token is sent only in the Authorization header and never appears in an error.

import { failureReason } from '../failure-reason.js';

export const REQUEST_TIMEOUT_MS = 10_000;
const MAX_PAGES = 20;

export interface IssueComment {
  id: number;
  body: string;
  user: { login: string; type: string } | null;
}

export class GithubApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'GithubApiError';
  }
}

export interface GithubClientOptions {
  apiUrl: string;
  repository: string;
  token: string;
  timeoutMs?: number;
}

function nextLink(header: string | null): string | undefined {
  for (const part of (header ?? '').split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

export class GithubClient {
  private readonly base: string;

  constructor(private readonly options: GithubClientOptions) {
    this.base = `${options.apiUrl.replace(/\/+$/, '')}/repos/${options.repository}`;
  }

  private async request(method: string, url: string, body?: unknown): Promise<Response> {
    const what = `${method} ${url.replace(/\?.*$/, '')}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${this.options.token}`,
          'x-github-api-version': '2022-11-28',
          'user-agent': 'claude-otel',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new GithubApiError(`${what}: ${failureReason(error)}`, null);
    }
    if (!res.ok) {
      let detail = '';
      try {
        detail = ((await res.json()) as { message?: string }).message ?? '';
      } catch {
        // No JSON body: the status says enough.
      }
      throw new GithubApiError(`${what}: HTTP ${res.status}${detail ? ` ${detail}` : ''}`, res.status);
    }
    return res;
  }

  private async list(first: string): Promise<IssueComment[]> {
    const out: IssueComment[] = [];
    let url: string | undefined = first;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const res = await this.request('GET', url);
      out.push(...((await res.json()) as IssueComment[]));
      url = nextLink(res.headers.get('link'));
    }
    return out;
  }

  /** The token's own login for a personal token; undefined for an Actions or app token (no /user). */
  async tokenLogin(): Promise<string | undefined> {
    try {
      const res = await this.request('GET', `${this.options.apiUrl.replace(/\/+$/, '')}/user`);
      return ((await res.json()) as { login?: string }).login;
    } catch (error) {
      if (error instanceof GithubApiError && error.status === 403) return undefined;
      throw error;
    }
  }

  /** Every comment of a PR, oldest first. */
  issueComments(pr: number): Promise<IssueComment[]> {
    return this.list(`${this.base}/issues/${pr}/comments?per_page=100`);
  }

  /** The repository's most recently updated comments (one page), newest first. */
  async recentComments(): Promise<IssueComment[]> {
    const res = await this.request(
      'GET',
      `${this.base}/issues/comments?sort=updated&direction=desc&per_page=100`,
    );
    return (await res.json()) as IssueComment[];
  }

  async createComment(pr: number, body: string): Promise<IssueComment> {
    const res = await this.request('POST', `${this.base}/issues/${pr}/comments`, { body });
    return (await res.json()) as IssueComment;
  }

  async updateComment(id: number, body: string): Promise<IssueComment> {
    const res = await this.request('PATCH', `${this.base}/issues/comments/${id}`, { body });
    return (await res.json()) as IssueComment;
  }
}
