// What the gate adds for GitHub: the budget share and PR total outputs, and the step summary's
// charts (a Mermaid pie of cost by model, a bar per agent) beside the tables, with exact figures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerGate } from '../../../src/cli/gate.js';
import { budgetUsedPercent, decideGate } from '../../../src/gate/decide.js';
import { stepOutputs } from '../../../src/gate/github.js';
import { parseScope } from '../../../src/gate/scope.js';
import { addModelShare, addRun, modelCost, zeroTotals } from '../../../src/report/totals.js';
import { generateRuns } from '../../fixtures/ledger/generate-ledger.js';
import { runCommand } from './run-command.js';

const runs = generateRuns(60);
const scope = parseScope('ci-run', { GITHUB_RUN_ID: '9000', GITHUB_RUN_ATTEMPT: '1' });
const ciRuns = runs.filter((r) => r.ci?.run_id === '9000' && r.ci.run_attempt === '1');
const ciCost = ciRuns.reduce((s, r) => s + r.cost_usd, 0);

describe('gate figures for GitHub', () => {
  it('budget_used_percent is the share of max-usd, one decimal; empty for a zero budget', () => {
    expect(budgetUsedPercent(0.5, 2)).toBe(25);
    expect(budgetUsedPercent(1, 3)).toBe(33.3);
    expect(budgetUsedPercent(3, 2)).toBe(150);
    expect(budgetUsedPercent(1, 0)).toBeNull();
    const result = decideGate(runs, scope, { maxUsd: 2 });
    const out = stepOutputs(result);
    expect(out).toContain(`budget_used_percent=${Math.round((ciCost / 2) * 1000) / 10}\n`);
    expect(out).toContain('pr_cost_usd=\n');
    expect(stepOutputs(result, { prCostUsd: 1.25 })).toContain('pr_cost_usd=1.25\n');
    expect(stepOutputs(decideGate(runs, scope, { maxUsd: 0 }))).toContain('budget_used_percent=\n');
  });

  it('breaks the scope down by model and by agent with the report rules (rows sum to the total)', () => {
    const result = decideGate(runs, scope, { maxUsd: 100 });
    const byModel = new Map<string, ReturnType<typeof zeroTotals>>();
    const byAgent = new Map<string, ReturnType<typeof zeroTotals>>();
    for (const run of ciRuns) {
      for (const m of Object.keys(run.models)) {
        if (!byModel.has(m)) byModel.set(m, zeroTotals());
        addModelShare(byModel.get(m)!, run, m);
      }
      if (!byAgent.has(run.agent)) byAgent.set(run.agent, zeroTotals());
      addRun(byAgent.get(run.agent)!, run);
    }
    expect(result.by_model.map((r) => r.key).sort()).toEqual([...byModel.keys()].sort());
    expect(result.by_agent.map((r) => r.key).sort()).toEqual([...byAgent.keys()].sort());
    for (const row of result.by_model) expect(row.cost_usd).toBeCloseTo(byModel.get(row.key)!.cost_usd, 9);
    const sum = result.by_agent.reduce((s, r) => s + r.cost_usd, 0);
    expect(sum).toBeCloseTo(ciCost, 9);
    expect(Object.keys(result.run_costs).sort()).toEqual(ciRuns.map((r) => r.run_id).sort());
    expect(modelCost(ciRuns[0]!, Object.keys(ciRuns[0]!.models)[0]!)).toBeGreaterThanOrEqual(0);
  });
});

describe('the step summary draws the numbers', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-summary-'));
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

  it('a Mermaid pie of cost by model and a bar chart per agent, beside the tables', async () => {
    const r = await runCommand(registerGate, ['gate', '--max-usd', '100'], env);
    expect(r.code).toBe(0);
    const summary = fs.readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8');
    const result = decideGate(runs, scope, { maxUsd: 100 });
    const pie = /```mermaid\npie showData title Cost by model \(USD\)\n([\s\S]*?)```/.exec(summary);
    expect(pie).not.toBeNull();
    const slices = pie![1]!
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => /^ {4}"([^"]+)" : ([\d.]+)$/.exec(l)!.slice(1));
    const priced = result.by_model.filter((m) => m.cost_usd > 0);
    expect(slices).toEqual(priced.map((m) => [m.key, String(Number(m.cost_usd.toFixed(6)))]));
    const bars = /```mermaid\nxychart-beta\n[\s\S]*?x-axis \[(.*)\]\n[\s\S]*?bar \[(.*)\]\n```/.exec(summary);
    expect(bars).not.toBeNull();
    expect(bars![1]).toBe(result.by_agent.map((a) => `"${a.key}"`).join(', '));
    expect(bars![2]!.split(', ').map(Number)).toEqual(
      result.by_agent.map((a) => Number(a.cost_usd.toFixed(6))),
    );
    expect(summary).toContain('| model | runs | turns |');
    expect(summary).toContain('| agent | runs | turns |');
    expect(summary).toMatch(/Budget used: `█*░+` \d+\.\d%/);
  });
});
