// The cost gate: the pure decision and the command against fake GitHub Actions env and files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerGate } from '../../../src/cli/gate.js';
import { decideGate } from '../../../src/gate/decide.js';
import { parseScope } from '../../../src/gate/scope.js';
import { generateRuns } from '../../fixtures/ledger/generate-ledger.js';
import { runCommand } from './run-command.js';

const runs = generateRuns(60);
const ciRuns = runs.filter((r) => r.ci?.run_id === '9000');
const ciCost = ciRuns.reduce((s, r) => s + r.cost_usd, 0);
const ciTokens = ciRuns.reduce((s, r) => s + Object.values(r.models).reduce((a, m) => a + m.total, 0), 0);

describe('decideGate', () => {
  const scope = parseScope('ci-run', { GITHUB_RUN_ID: '9000', GITHUB_RUN_ATTEMPT: '1' });

  it('sums only the runs of this workflow run', () => {
    expect(ciRuns.length).toBeGreaterThan(1);
    const result = decideGate(runs, scope, { maxUsd: 100 });
    expect(result.totals.runs).toBe(ciRuns.length);
    expect(result.totals.cost_usd).toBeCloseTo(ciCost, 9);
    expect(result.within_budget).toBe(true);
  });

  it('fails when cost or tokens are over budget, and says which', () => {
    const overCost = decideGate(runs, scope, { maxUsd: ciCost - 0.0001 });
    expect(overCost.within_budget).toBe(false);
    expect(overCost.reasons).toHaveLength(1);
    expect(overCost.reasons[0]).toMatch(/cost \$\d+\.\d{4} is over the budget/);
    const overTokens = decideGate(runs, scope, { maxUsd: 100, maxTokens: ciTokens - 1 });
    expect(overTokens.reasons).toEqual([`${ciTokens} tokens is over the budget of ${ciTokens - 1}`]);
    expect(decideGate(runs, scope, { maxUsd: ciCost, maxTokens: ciTokens }).within_budget).toBe(true);
  });

  it('a swarm id that matches no run is a usage error, not a pass with 0 runs', () => {
    let error: unknown;
    try {
      decideGate(runs, { kind: 'swarm', id: 'swarm-0002' }, { maxUsd: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ exitCode: 2, message: 'no run matched --scope swarm:swarm-0002' });
  });

  it('selects a swarm by invocation id, and a since window', () => {
    const swarm = decideGate(runs, { kind: 'swarm', id: 'swarm-00002' }, { maxUsd: 1 });
    expect(swarm.totals.runs).toBe(4);
    const since = decideGate(runs, parseScope('since:2026-11-14', {}), { maxUsd: 1 });
    expect(since.totals.runs).toBe(runs.filter((r) => r.started_at >= '2026-11-14').length);
  });

  it('a different attempt of the same run is not counted', () => {
    const other = decideGate(runs, parseScope('ci-run', { GITHUB_RUN_ID: '9000', GITHUB_RUN_ATTEMPT: '2' }), {
      maxUsd: 1,
    });
    expect(other.totals.runs).toBe(0);
  });
});

describe('claude-otel gate in GitHub Actions', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-'));
    const ledger = path.join(dir, 'home', 'ledger');
    fs.mkdirSync(ledger, { recursive: true });
    fs.writeFileSync(path.join(ledger, 'runs-2026-11.jsonl'), runs.map((r) => JSON.stringify(r)).join('\n'));
    env = {
      CLAUDE_OTEL_HOME: path.join(dir, 'home'),
      GITHUB_ACTIONS: 'true',
      GITHUB_RUN_ID: '9000',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
      GITHUB_OUTPUT: path.join(dir, 'output.txt'),
    };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('within budget: exit 0, no annotation, summary and outputs written', async () => {
    const r = await runCommand(registerGate, ['gate', '--max-usd', '100'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('::error');
    const outputs = fs.readFileSync(env.GITHUB_OUTPUT!, 'utf8');
    expect(outputs).toContain(
      `cost_usd=${decideGate(runs, parseScope('ci-run', env), { maxUsd: 100 }).totals.cost_usd}\n`,
    );
    expect(outputs).toContain(`tokens=${ciTokens}\n`);
    expect(outputs).toContain('within_budget=true\n');
    const summary = fs.readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8');
    expect(summary).toContain('within budget');
    expect(summary).toContain(`| cost (USD) | $${ciCost.toFixed(4)} | $100.0000 |`);
  });

  it('over budget: exit 1, an ::error:: annotation on stdout, within_budget=false', async () => {
    fs.writeFileSync(env.GITHUB_OUTPUT!, 'earlier=1\n');
    const r = await runCommand(registerGate, ['gate', '--max-usd', '0.01', '--max-tokens', '10'], env);
    expect(r.code).toBe(1);
    const line = r.stdout.split('\n').find((l) => l.startsWith('::error'));
    expect(line).toMatch(/^::error title=claude-otel cost gate::GitHub Actions run 9000 attempt 1: cost \$/);
    expect(line).toContain('tokens is over the budget of 10');
    const outputs = fs.readFileSync(env.GITHUB_OUTPUT!, 'utf8');
    expect(outputs.startsWith('earlier=1\n')).toBe(true);
    expect(outputs).toContain('within_budget=false');
    expect(fs.readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8')).toContain('over budget');
    expect(r.stderr).toContain('OVER BUDGET');
  });

  it('cost_usd in the step outputs is the stored cost, not a rounding of it', async () => {
    const run = { ...ciRuns[0]!, cost_usd: 0.0107715 }; // 0.010772 at six decimals
    const ledger = path.join(env.CLAUDE_OTEL_HOME!, 'ledger', 'runs-2026-11.jsonl');
    fs.writeFileSync(ledger, `${JSON.stringify(run)}\n`);
    const r = await runCommand(registerGate, ['gate', '--max-usd', '100'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(env.GITHUB_OUTPUT!, 'utf8')).toContain('cost_usd=0.0107715\n');
    // Human text stays rounded.
    expect(fs.readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8')).toContain('| cost (USD) | $0.0108 |');
  });

  it('outside GitHub Actions it writes no files and no annotation', async () => {
    const local = { CLAUDE_OTEL_HOME: env.CLAUDE_OTEL_HOME, GITHUB_STEP_SUMMARY: env.GITHUB_STEP_SUMMARY };
    const r = await runCommand(
      registerGate,
      ['gate', '--max-usd', '0', '--scope', 'swarm:swarm-00002'],
      local,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(env.GITHUB_STEP_SUMMARY!)).toBe(false);
  });

  it('a token budget alone is a budget; no budget at all is a usage error (one line, exit 2)', async () => {
    const within = await runCommand(registerGate, ['gate', '--max-tokens', String(ciTokens)], env);
    expect(within.code, within.stderr).toBe(0);
    expect(within.stderr).toMatch(
      new RegExp(`within budget: .*: \\$\\d+\\.\\d{4}, ${ciTokens} tokens of ${ciTokens}, `),
    );
    expect(fs.readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8')).toContain(
      `| cost (USD) | $${ciCost.toFixed(4)} | - |`,
    );
    expect(fs.readFileSync(env.GITHUB_OUTPUT!, 'utf8')).toContain('budget_used_percent=\n');
    const over = await runCommand(
      registerGate,
      ['gate', '--max-tokens', String(ciTokens - 1), '--json'],
      env,
    );
    expect(over.code).toBe(1);
    expect(JSON.parse(over.stdout.slice(over.stdout.indexOf('{')))).toMatchObject({
      max_usd: null,
      max_tokens: ciTokens - 1,
      within_budget: false,
    });
    const none = await runCommand(registerGate, ['gate', '--scope', 'since:today'], env);
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n')).toEqual([
      'claude-otel: gate needs a budget: --max-usd <usd>, --max-tokens <n>, or both (e.g. claude-otel gate --max-usd 2)',
    ]);
  });

  it('bad flags are usage errors (exit 2, one line)', async () => {
    const r = await runCommand(registerGate, ['gate', '--max-usd', 'lots'], env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      "claude-otel: --max-usd 'lots' is not an amount in US dollars (use e.g. 5 or 0.50)",
    ]);
    for (const bad of [
      ['--max-usd', '1e3'],
      ['--max-usd', '-1'],
      ['--max-tokens', '1.5'],
      ['--max-tokens', '1e400'],
    ]) {
      const b = await runCommand(registerGate, ['gate', '--max-usd', '1', ...bad], env);
      expect(b.code, bad.join(' ')).toBe(2);
      expect(b.stderr.trim().split('\n'), bad.join(' ')).toHaveLength(1);
    }
    const noRun = await runCommand(registerGate, ['gate', '--max-usd', '1', '--scope', 'ci-run'], {
      CLAUDE_OTEL_HOME: env.CLAUDE_OTEL_HOME,
    });
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toContain('--scope ci-run needs GITHUB_RUN_ID');
  });
});
