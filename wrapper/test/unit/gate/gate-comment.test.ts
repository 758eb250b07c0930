// `gate --comment` against a GitHub REST API stand-in on 127.0.0.1: one sticky comment per PR,
// created then updated (found again past the first page), the PR's running total without double
// counting, the median of other PRs, and every failure a warning that leaves the gate's exit code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerGate } from '../../../src/cli/gate.js';
import { GithubClient } from '../../../src/gate/github-api.js';
import { mergePrData, parsePrData, prTotal } from '../../../src/gate/pr-comment.js';
import type { RunRecord } from '../../../src/ledger/schema.js';
import { generateRuns } from '../../fixtures/ledger/generate-ledger.js';
import { BOT, type GithubStandIn, startGithubStandIn } from '../../support/github-api.js';
import { runCommand } from './run-command.js';

const base = generateRuns(60).filter((r) => r.ci?.run_id === '9000' && r.ci.run_attempt === '1');
/** The same runs as recorded by workflow run `id` (new run ids). */
const workflowRun = (id: string): RunRecord[] =>
  base.map((r) => ({ ...r, run_id: `${r.run_id}-${id}`, ci: { ...r.ci!, run_id: id, run_attempt: '1' } }));
const costOf = (rs: RunRecord[]) => rs.reduce((s, r) => s + r.cost_usd, 0);

describe('claude-otel gate --comment', () => {
  let dir: string;
  let gh: GithubStandIn;
  let env: NodeJS.ProcessEnv;

  const gate = (runId: string, extra: string[] = [], maxUsd = '100') =>
    runCommand(registerGate, ['gate', '--max-usd', maxUsd, '--comment', ...extra], {
      ...env,
      GITHUB_RUN_ID: runId,
    });
  const outputs = () =>
    Object.fromEntries(
      fs
        .readFileSync(env.GITHUB_OUTPUT!, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-comment-'));
    const ledger = path.join(dir, 'home', 'ledger');
    fs.mkdirSync(ledger, { recursive: true });
    const all = [...workflowRun('101'), ...workflowRun('102')];
    fs.writeFileSync(
      path.join(ledger, 'runs-2026-11.jsonl'),
      `${all.map((r) => JSON.stringify(r)).join('\n')}\n`,
    );
    fs.writeFileSync(
      path.join(dir, 'event.json'),
      JSON.stringify({ action: 'synchronize', pull_request: { number: 42 } }),
    );
    gh = await startGithubStandIn();
    env = {
      CLAUDE_OTEL_HOME: path.join(dir, 'home'),
      GITHUB_ACTIONS: 'true',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: path.join(dir, 'event.json'),
      GITHUB_REPOSITORY: gh.repository,
      GITHUB_API_URL: gh.url,
      GITHUB_TOKEN: gh.token,
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
      GITHUB_OUTPUT: path.join(dir, 'output.txt'),
    };
  });
  afterEach(async () => {
    await gh.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates one comment, then updates it (found past the first page), with the PR total', async () => {
    for (let i = 0; i < 130; i++) gh.seed(42, `review note ${i}`);
    const first = await gate('101');
    expect(first.code).toBe(0);
    expect(first.stdout).not.toContain('::warning');
    expect(first.stderr).toContain('PR comment created');
    const ours = () => gh.comments.filter((c) => c.issue === 42 && parsePrData(c.body));
    expect(ours()).toHaveLength(1);
    const cost1 = costOf(workflowRun('101'));
    expect(prTotal(parsePrData(ours()[0]!.body)!).cost_usd).toBe(cost1);
    expect(outputs().pr_cost_usd).toBe(String(cost1));

    const second = await gate('102');
    expect(second.stderr).toContain('PR comment updated');
    expect(ours()).toHaveLength(1);
    const total = costOf([...workflowRun('101'), ...workflowRun('102')]);
    const body = ours()[0]!.body;
    expect(prTotal(parsePrData(body)!)).toMatchObject({ runs: base.length * 2, cost_usd: total });
    expect(body).toContain(`### Claude Code cost of this pull request: $${total.toFixed(4)}`);
    expect(body).toContain(`| this run | $${costOf(workflowRun('102')).toFixed(4)} |`);
    // The second page was asked for, and every call carried the token.
    expect(gh.requests.some((r) => r.path.endsWith('/issues/42/comments') && r.query.page === '2')).toBe(
      true,
    );
    expect(gh.requests.every((r) => r.authorized)).toBe(true);
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(gh.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);

    // The same workflow run gated again (a second gate step) does not count its runs twice.
    await gate('102');
    expect(prTotal(parsePrData(ours()[0]!.body)!).cost_usd).toBe(total);
    expect(first.stdout + first.stderr + second.stdout + second.stderr).not.toContain(gh.token);
  });

  it('compares with the median of recent PRs from their comments (bots only, not this PR)', async () => {
    const other = (pr: number, usd: number) => {
      const d = mergePrData(undefined, pr, { run_costs: { [`x${pr}`]: usd }, run_tokens: {} } as never);
      return `${'<!-- claude-otel:pr-cost '}${JSON.stringify(d)} -->\nold`;
    };
    gh.seed(10, other(10, 1), BOT);
    gh.seed(11, other(11, 3), BOT);
    gh.seed(12, other(12, 2), BOT);
    gh.seed(13, other(13, 1000), { login: 'mallory', type: 'User' });
    const r = await gate('101');
    expect(r.code).toBe(0);
    const body = gh.comments.find((c) => c.issue === 42 && c.user.type === 'Bot')!.body;
    expect(body).toContain('| median of 3 recent pull request(s) | $2.0000');
  });

  it("with a personal token the person's own comment is the sticky one, and no other author's", async () => {
    gh.tokenUser = { login: 'alice', type: 'User' };
    const fake = mergePrData(undefined, 42, { run_costs: { fake: 999 }, run_tokens: {} } as never);
    gh.seed(42, `<!-- claude-otel:pr-cost ${JSON.stringify(fake)} -->`, BOT);
    gh.seed(42, `<!-- claude-otel:pr-cost ${JSON.stringify(fake)} -->`, { login: 'mallory', type: 'User' });
    await gate('101');
    await gate('102');
    const alices = gh.comments.filter((c) => c.user.login === 'alice');
    expect(alices).toHaveLength(1);
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    const total = costOf([...workflowRun('101'), ...workflowRun('102')]);
    expect(prTotal(parsePrData(alices[0]!.body)!).cost_usd).toBe(total);
    expect(outputs().pr_cost_usd).toBe(String(total));
  });

  it('a 403 (fork token) is a warning; the exit code stays the gate verdict', async () => {
    gh.mode = 'forbidden';
    const within = await gate('101');
    expect(within.code).toBe(0);
    const warning = within.stdout.split('\n').find((l) => l.startsWith('::warning'));
    expect(warning).toMatch(
      /^::warning title=claude-otel PR comment::cannot post the PR comment: POST .*HTTP 403/,
    );
    expect(warning).toContain('pull-requests: write');
    const over = await gate('101', [], '0.0001');
    expect(over.code).toBe(1);
    expect(over.stdout).toContain('::error title=claude-otel cost gate::');
    expect(over.stdout).toContain('::warning title=claude-otel PR comment::');
    expect(gh.comments).toHaveLength(0);
  });

  it('an API error or a missing token is a warning too; not a PR event makes no call at all', async () => {
    gh.mode = 'error';
    const err = await gate('101');
    expect(err.code).toBe(0);
    expect(err.stdout).toMatch(
      /::warning title=claude-otel PR comment::cannot read the PR's comments: GET .*HTTP 500/,
    );
    expect(outputs().pr_cost_usd).toBe('');

    gh.mode = 'ok';
    env.GITHUB_TOKEN = '';
    const noToken = await gate('101');
    expect(noToken.code).toBe(0);
    expect(noToken.stdout).toContain(
      '::warning title=claude-otel PR comment::no PR comment: GITHUB_TOKEN is not set',
    );

    const calls = gh.requests.length;
    env.GITHUB_TOKEN = gh.token;
    env.GITHUB_EVENT_NAME = 'push';
    const push = await gate('101');
    expect(push.code).toBe(0);
    expect(push.stdout).not.toContain('::warning');
    expect(push.stderr).toContain('no PR comment on a push event');
    expect(gh.requests.length).toBe(calls);
  });

  it('every call has a timeout', async () => {
    gh.mode = 'hang';
    const client = new GithubClient({
      apiUrl: gh.url,
      repository: gh.repository,
      token: gh.token,
      timeoutMs: 300,
    });
    const started = Date.now();
    await expect(client.issueComments(1)).rejects.toThrow(/GET .*\/issues\/1\/comments: timed out/);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
