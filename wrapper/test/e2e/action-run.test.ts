// action.yml run as the GitHub runner runs it (wrapper/test/support/action-runner.ts), from a fresh
// copy of the repository's tracked files as GITHUB_ACTION_PATH (no node_modules: claude-otel comes
// from the committed dist/claude-otel.mjs), with real wrapped Claude Code runs against the scripted
// endpoint and a GitHub REST API stand-in. Claude Code itself is the pinned local one
// (claude-code-version: preinstalled + CLAUDE_OTEL_CLAUDE_BIN): no registry in tests.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrData, prTotal } from '../../src/gate/pr-comment.js';
import { loadPriceTable } from '../../src/pricing/price-table.js';
import { roundUsd } from '../../src/report/format-values.js';
import { type ActionRun, copyTrackedFiles, runAction } from '../support/action-runner.js';
import {
  CLAUDE_BIN,
  makeSandbox,
  REPO_ROOT,
  runClaude,
  type Sandbox,
  SECRET_API_KEY,
} from '../support/cli.js';
import { servedUsage } from '../support/expected-usage.js';
import { type GithubStandIn, startGithubStandIn } from '../support/github-api.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';

const table = loadPriceTable({});
const PR = 7;

describe('the GitHub Action, run as the runner runs it', () => {
  let api: ScriptedApi;
  let gh: GithubStandIn;
  let actionPath: string;
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    api = await startScriptedApi();
    gh = await startGithubStandIn();
    actionPath = fs.mkdtempSync(path.join(os.tmpdir(), 'action-path-'));
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    copyTrackedFiles(REPO_ROOT, tracked, actionPath);
    cleanups.push(() => fs.rmSync(actionPath, { recursive: true, force: true }));
  });
  afterAll(async () => {
    await api?.close();
    await gh?.close();
    for (const c of cleanups) c();
  });

  function newRunner(): Sandbox {
    const s = makeSandbox(api.url);
    cleanups.push(s.cleanup);
    return s;
  }

  /** One workflow run on its own fresh runner (its own HOME and ledger), or on the one given. */
  async function workflowRun(
    runId: string,
    inputs: Record<string, string>,
    s: Sandbox = newRunner(),
  ): Promise<ActionRun> {
    return runAction({
      actionPath,
      workspace: s.workdir,
      inputs: { 'claude-code-version': 'preinstalled', timeout: '2m', ...inputs },
      env: {
        ...s.env,
        // The runner's PATH: Node (actions/setup-node) and the system, no claude-otel anywhere.
        PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
        CLAUDE_OTEL_CLAUDE_BIN: CLAUDE_BIN,
        // Hermetic: an npm install in a step can neither reach the registry nor touch a global prefix.
        npm_config_offline: 'true',
        npm_config_prefix: path.join(s.dir, 'npm-global'),
        npm_config_cache: path.join(s.dir, 'npm-cache'),
      },
      github: {
        event_name: 'pull_request',
        event: { action: 'synchronize', pull_request: { number: PR } },
        repository: gh.repository,
        run_id: runId,
        run_attempt: '1',
        token: gh.token,
        api_url: gh.url,
      },
    });
  }

  const servedCost = (tag: string) =>
    roundUsd(Object.values(servedUsage(api.requests, tag, table)).reduce((s, m) => s + m.cost_usd, 0));
  const servedTokens = (tag: string) =>
    Object.values(servedUsage(api.requests, tag, table)).reduce((s, m) => s + m.total, 0);
  const ourComments = () => gh.comments.filter((c) => c.issue === PR && parsePrData(c.body));

  it('two runs on one PR: exact outputs, one comment created then updated with the PR total', async () => {
    const first = await workflowRun('501', {
      'max-usd': '5',
      task: 'review [[scenario:tools turns=2 tag=act1]]',
      comment: 'true',
    });
    const detail = first.steps.map((s) => `${s.name}: ${s.code}\n${s.stdout}${s.stderr}`).join('\n');
    expect(first.exitCode, detail).toBe(0);
    expect(first.steps.map((s) => [s.name, s.ran])).toEqual([
      ['Set up Node.js', false],
      ['Install claude-otel and Claude Code', true],
      ['Install the Claude Code session hooks', false],
      ['Run the task through claude-otel', true],
      ['Enforce the cost gate', true],
    ]);
    expect(first.steps[1]!.stdout).toContain('claude-otel 0.1.0');
    const cost1 = servedCost('act1');
    expect(cost1).toBeGreaterThan(0);
    expect(Number(first.outputs.cost_usd)).toBeCloseTo(cost1, 6);
    expect(first.outputs.tokens).toBe(String(servedTokens('act1')));
    expect(first.outputs.runs).toBe('1');
    expect(first.outputs.within_budget).toBe('true');
    expect(first.outputs.budget_used_percent).toBe(
      String(Math.round((Number(first.outputs.cost_usd) / 5) * 1000) / 10),
    );
    expect(first.outputs.pr_cost_usd).toBe(first.outputs.cost_usd);
    expect(first.annotations).toEqual([]);
    expect(first.summary).toContain('pie showData title Cost by model (USD)');
    expect(first.summary).toContain('xychart-beta');
    expect(ourComments()).toHaveLength(1);

    // 'True' is true: the comment is updated (a case-sensitive check turned it off, silently).
    const second = await workflowRun('502', {
      'max-usd': '5',
      task: 'again [[scenario:tools turns=3 tag=act2 in=900]]',
      comment: 'True',
    });
    expect(second.exitCode).toBe(0);
    const cost2 = servedCost('act2');
    expect(Number(second.outputs.cost_usd)).toBeCloseTo(cost2, 6);
    // This runner's ledger only has run 502: the PR total comes from the comment's history.
    expect(Number(second.outputs.pr_cost_usd)).toBeCloseTo(cost1 + cost2, 6);
    expect(ourComments()).toHaveLength(1);
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(gh.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    const body = ourComments()[0]!.body;
    expect(prTotal(parsePrData(body)!)).toMatchObject({
      runs: 2,
      tokens: servedTokens('act1') + servedTokens('act2'),
    });
    expect(body).toContain(
      `### Claude Code cost of this pull request: $${Number(second.outputs.pr_cost_usd).toFixed(4)}`,
    );
    expect(body).toContain(`| this run | $${Number(second.outputs.cost_usd).toFixed(4)} |`);

    // Nothing secret in what the job shows or posted.
    const shown = [first, second]
      .flatMap((r) => [r.summary, ...r.steps.flatMap((s) => [s.stdout, s.stderr])])
      .concat(gh.comments.map((c) => c.body))
      .join('\n');
    expect(shown).not.toContain(SECRET_API_KEY);
    expect(shown).not.toContain(gh.token);
  });

  it("a 403 (a fork's token) is a warning; the job's exit code is the gate's", async () => {
    gh.mode = 'forbidden';
    try {
      // No task: the run step is skipped by its `if:`, and the gate passes on nothing spent.
      const within = await workflowRun('601', { 'max-usd': '1', comment: 'true' });
      expect(within.steps[3]).toMatchObject({ name: 'Run the task through claude-otel', ran: false });
      expect(within.exitCode).toBe(0);
      expect(within.outputs.within_budget).toBe('true');
      expect(within.annotations).toHaveLength(1);
      expect(within.annotations[0]).toMatchObject({ level: 'warning', title: 'claude-otel PR comment' });
      expect(within.annotations[0]!.message).toMatch(/HTTP 403 .*pull-requests: write/);

      const over = await workflowRun('602', {
        'max-usd': '0.000001',
        task: 'over [[scenario:hello tag=act3]]',
        comment: 'true',
      });
      const gate = over.steps.find((s) => s.name === 'Enforce the cost gate')!;
      expect(gate.code).toBe(1);
      expect(over.exitCode).toBe(1);
      expect(over.conclusion).toBe('failure');
      expect(over.outputs.within_budget).toBe('false');
      expect(over.annotations.map((a) => a.level).sort()).toEqual(['error', 'warning']);
      expect(Number(over.outputs.cost_usd)).toBeCloseTo(servedCost('act3'), 6);
    } finally {
      gh.mode = 'ok';
    }
  });

  it('mode hooks: a plain claude -p step of the job is recorded and counted by the gate', async () => {
    const runner = newRunner();
    const hooks = await workflowRun('701', { mode: 'hooks' }, runner);
    const detail = hooks.steps.map((x) => `${x.name}: ${x.code}\n${x.stdout}${x.stderr}`).join('\n');
    expect(hooks.exitCode, detail).toBe(0);
    expect(hooks.steps.map((x) => [x.name, x.ran])).toEqual([
      ['Set up Node.js', false],
      ['Install claude-otel and Claude Code', true],
      ['Install the Claude Code session hooks', true],
      ['Run the task through claude-otel', false],
      ['Enforce the cost gate', false],
    ]);
    // A step of the workflow that runs Claude Code itself (as anthropics/claude-code-action does).
    // (Not spawnSync: the scripted endpoint answers from this process.)
    const step = await runClaude(
      ['-p', 'plain [[scenario:tools turns=2 tag=act7]]', '--model', 'claude-sonnet-4-5'],
      {
        workdir: runner.workdir,
        env: {
          ...runner.env,
          PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
          CI: 'true',
          GITHUB_ACTIONS: 'true',
          GITHUB_RUN_ID: '701',
          GITHUB_RUN_ATTEMPT: '1',
          GITHUB_REPOSITORY: gh.repository,
        },
      },
    );
    expect(step.code, step.stderr).toBe(0);
    // The gate, right after (the recording may still be running: the gate waits for it).
    const gate = await workflowRun('701', { 'max-usd': '5' }, runner);
    expect(gate.exitCode, gate.steps.map((x) => `${x.stdout}${x.stderr}`).join('\n')).toBe(0);
    expect(gate.outputs.runs).toBe('1');
    expect(Number(gate.outputs.cost_usd)).toBeCloseTo(servedCost('act7'), 6);
    expect(gate.outputs.tokens).toBe(String(servedTokens('act7')));

    // max-tokens reaches the gate: one token under this run's count fails the job, its count passes.
    // (The same ledger again: no new Claude Code session.)
    const tokens = servedTokens('act7');
    const overTokens = await workflowRun('701', { 'max-usd': '5', 'max-tokens': String(tokens - 1) }, runner);
    expect(overTokens.steps.find((x) => x.name === 'Enforce the cost gate')!.code).toBe(1);
    expect(overTokens.exitCode).toBe(1);
    expect(overTokens.outputs.within_budget).toBe('false');
    expect(overTokens.outputs.tokens).toBe(String(tokens));
    expect(overTokens.annotations.map((a) => a.level)).toEqual(['error']);
    expect(overTokens.annotations[0]!.message).toContain(
      `${tokens} tokens is over the budget of ${tokens - 1}`,
    );
    const atTokens = await workflowRun('701', { 'max-usd': '5', 'max-tokens': String(tokens) }, runner);
    expect(atTokens.exitCode).toBe(0);
    expect(atTokens.outputs.within_budget).toBe('true');
    // max-tokens alone is a budget: the gate runs without max-usd, and fails over its tokens.
    const tokensOnly = await workflowRun('701', { 'max-tokens': String(tokens) }, runner);
    expect(tokensOnly.exitCode, tokensOnly.steps.map((x) => `${x.stdout}${x.stderr}`).join('\n')).toBe(0);
    expect(tokensOnly.outputs.within_budget).toBe('true');
    expect(tokensOnly.outputs.budget_used_percent).toBe('');
    const overTokensOnly = await workflowRun('701', { 'max-tokens': String(tokens - 1) }, runner);
    expect(overTokensOnly.steps.find((x) => x.name === 'Enforce the cost gate')!.code).toBe(1);
    expect(overTokensOnly.annotations[0]!.message).toContain(
      `${tokens} tokens is over the budget of ${tokens - 1}`,
    );

    // Gate mode without a budget (neither max-usd nor max-tokens), an unknown mode, or a comment that is not true/false: one error
    // annotation, exit 2, before anything runs.
    const bads: [Record<string, string>, RegExp][] = [
      [{}, /^gate mode needs a budget: set max-usd, max-tokens or both$/],
      [{ mode: 'hook', 'max-usd': '1' }, /^unknown mode 'hook'/],
      [{ 'max-usd': '1', comment: 'yes' }, /^comment must be 'true' or 'false', not 'yes'$/],
    ];
    for (const [inputs, message] of bads) {
      const bad = await workflowRun('702', inputs);
      expect(bad.exitCode).toBe(2);
      expect(bad.steps.filter((x) => x.ran).map((x) => x.name)).toEqual([
        'Install claude-otel and Claude Code',
      ]);
      expect(bad.annotations.map((a) => a.level)).toEqual(['error']);
      expect(bad.annotations[0]!.message).toMatch(message);
    }
  });
});
