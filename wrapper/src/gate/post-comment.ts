// `gate --comment`: creates or updates the PR's one claude-otel comment (found again by its hidden
// marker) and returns the PR's running total. Never throws: anything that goes wrong (not a PR, no
// token, a fork's read-only token, an API error, a timeout) comes back as a warning, so the gate's
// verdict and exit code stay its own.
import fs from 'node:fs';
import * as z from 'zod';
import type { GateResult } from './decide.js';
import { GithubClient, type IssueComment } from './github-api.js';
import {
  mergePrData,
  type PrData,
  parsePrData,
  prTotal,
  recentPrMedian,
  renderPrComment,
} from './pr-comment.js';

export interface CommentOutcome {
  /** The PR's cost across its runs, when it could be read. */
  prCostUsd: number | null;
  posted: 'created' | 'updated' | null;
  /** Why nothing was posted (or part of it failed): shown as a warning annotation. */
  warning?: string;
  /** Not a problem, just why there is no comment (e.g. not a pull_request event). */
  note?: string;
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);
const eventSchema = z.object({
  pull_request: z.object({ number: z.number().int().positive() }).optional(),
  number: z.number().int().positive().optional(),
});

function prNumber(env: NodeJS.ProcessEnv): number | string {
  if (!env.GITHUB_EVENT_PATH) return 'GITHUB_EVENT_PATH is not set';
  try {
    const event = eventSchema.parse(JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH, 'utf8')));
    return event.pull_request?.number ?? event.number ?? 'the event has no pull request number';
  } catch (error) {
    return `cannot read the event at GITHUB_EVENT_PATH: ${(error as Error).message.split('\n')[0]}`;
  }
}

/**
 * Only a comment by the token's identity is ours (anyone can paste a marker): the person behind a
 * personal token, else a bot (the Actions token and app tokens cannot read /user).
 */
function ownedBy(login: string | undefined): (comment: IssueComment) => PrData | undefined {
  return (comment) => {
    const mine = login === undefined ? comment.user?.type === 'Bot' : comment.user?.login === login;
    return mine ? parsePrData(comment.body ?? '') : undefined;
  };
}

const FORBIDDEN_HINT =
  " (the job needs `permissions: pull-requests: write`; a fork's pull request gets a read-only token)";

export async function postPrComment(result: GateResult, env: NodeJS.ProcessEnv): Promise<CommentOutcome> {
  if (!PR_EVENTS.has(env.GITHUB_EVENT_NAME ?? '')) {
    return {
      prCostUsd: null,
      posted: null,
      note: `no PR comment on a ${env.GITHUB_EVENT_NAME ?? 'non-Actions'} event`,
    };
  }
  const pr = prNumber(env);
  if (typeof pr === 'string') return { prCostUsd: null, posted: null, warning: `no PR comment: ${pr}` };
  if (!env.GITHUB_REPOSITORY)
    return { prCostUsd: null, posted: null, warning: 'no PR comment: GITHUB_REPOSITORY is not set' };
  if (!env.GITHUB_TOKEN) {
    return {
      prCostUsd: null,
      posted: null,
      warning: 'no PR comment: GITHUB_TOKEN is not set (pass github.token to the step)',
    };
  }
  const client = new GithubClient({
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    repository: env.GITHUB_REPOSITORY,
    token: env.GITHUB_TOKEN,
  });
  let existing: { comment: IssueComment; data: PrData } | undefined;
  let ours: ReturnType<typeof ownedBy>;
  try {
    ours = ownedBy(await client.tokenLogin());
    for (const comment of await client.issueComments(pr)) {
      const data = ours(comment);
      if (data?.pr === pr) {
        existing = { comment, data };
        break;
      }
    }
  } catch (error) {
    return {
      prCostUsd: null,
      posted: null,
      warning: `cannot read the PR's comments: ${(error as Error).message}`,
    };
  }
  const data = mergePrData(existing?.data, pr, result);
  const prCostUsd = prTotal(data).cost_usd;
  let median: ReturnType<typeof recentPrMedian>;
  try {
    const others = (await client.recentComments()).map(ours).filter((d): d is PrData => d !== undefined);
    median = recentPrMedian(others, pr);
  } catch {
    // The comparison is a nicety: the comment goes out without it.
  }
  const attempt = env.GITHUB_RUN_ATTEMPT ? ` attempt ${env.GITHUB_RUN_ATTEMPT}` : '';
  const body = renderPrComment({
    result,
    data,
    median,
    source: `workflow run ${env.GITHUB_RUN_ID ?? '?'}${attempt}`,
  });
  try {
    if (existing) {
      await client.updateComment(existing.comment.id, body);
      return { prCostUsd, posted: 'updated' };
    }
    await client.createComment(pr, body);
    return { prCostUsd, posted: 'created' };
  } catch (error) {
    const status = (error as { status?: number | null }).status;
    const hint = status === 403 || status === 404 ? FORBIDDEN_HINT : '';
    return {
      prCostUsd,
      posted: null,
      warning: `cannot post the PR comment: ${(error as Error).message}${hint}`,
    };
  }
}
