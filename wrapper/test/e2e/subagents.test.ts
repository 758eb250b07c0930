// Subagents end to end: the real Claude Code CLI, driven by the scripted endpoint, runs a subagent
// (on another model) through its Agent tool inside `claude-otel swarm`. The run's totals equal
// what the endpoint served and Claude Code's modelUsage; its turns carry each message's final
// usage and add up to those totals; `import` afterwards adds nothing; and when plain `claude`
// resumes the session later, import adds exactly the resumed part.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLedger } from '../../src/ledger/read.js';
import type { RunRecord } from '../../src/ledger/schema.js';
import { loadPriceTable } from '../../src/pricing/price-table.js';
import { CLAUDE_BIN, makeSandbox, runCli, type Sandbox } from '../support/cli.js';
import { servedUsage } from '../support/expected-usage.js';
import { turnUsage } from '../support/scripted-api/scenario.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';

let api: ScriptedApi;
let sandbox: Sandbox;
const table = loadPriceTable({});

beforeAll(async () => {
  api = await startScriptedApi();
  sandbox = makeSandbox(api.url);
});

afterAll(async () => {
  await api?.close();
  sandbox?.cleanup();
});

function plainClaude(args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLAUDE_BIN, args, { cwd: sandbox.workdir, env: sandbox.env, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

const tokens = (r: RunRecord) => Object.values(r.models).reduce((n, u) => n + u.total, 0);

describe('swarm runs with subagents on another model and on the same one', () => {
  it('is recorded exactly, per run and per turn, and import adds nothing', async () => {
    // Two agents: one whose subagent runs on haiku, one whose subagent stays on the main model.
    const prompts = [
      'delegate [[scenario:agent tag=sub1 in=800 out=40 cr=1000 sub_turns=2 sub_model=haiku sub_in=300 sub_out=45]]',
      'delegate [[scenario:agent tag=sub2 in=500 sub_turns=1 sub_in=250 sub_out=33]]',
    ];
    const r = await runCli(
      ['swarm', ...prompts, '--parallel', '2', '--json', '--', '--model', 'claude-sonnet-4-5'],
      sandbox,
    );
    expect(r.code, r.stderr).toBe(0);
    const { runs } = readLedger({ env: sandbox.env, strict: true });
    expect(runs).toHaveLength(2);
    const byAgent = new Map(runs.map((x) => [x.agent, x]));
    const expectedModels = { sub1: ['claude-haiku-5-5', 'claude-sonnet-4-5'], sub2: ['claude-sonnet-4-5'] };
    for (const [i, tag] of (['sub1', 'sub2'] as const).entries()) {
      const run = byAgent.get(`agent-${i + 1}`)!;
      // What the endpoint served, main thread and subagent.
      const served = servedUsage(api.requests, tag, table);
      expect(Object.keys(served).sort(), tag).toEqual(expectedModels[tag]);
      expect(Object.keys(run.models).sort(), tag).toEqual(expectedModels[tag]);
      for (const [model, s] of Object.entries(served)) {
        const u = run.models[model]!;
        expect([u.prompt, u.completion, u.cache_read, u.cache_creation], `${tag} ${model}`).toEqual([
          s.prompt,
          s.completion,
          s.cache_read,
          s.cache_creation,
        ]);
        expect(u.cost_usd!, `${tag} ${model}`).toBeCloseTo(s.cost_usd, 12);
      }
      expect(run.cost_source).toBe('claude');
      expect(run.cost_usd).toBeCloseTo(
        Object.values(served).reduce((n, s) => n + s.cost_usd, 0),
        12,
      );

      // Per turn: the final usage of every request served, the subagent's last message included.
      expect(run.turns_source).toBe('transcript');
      const servedTurns = api.requests
        .filter((q) => q.params.tag === tag)
        .map((q) => {
          const u = turnUsage({ name: q.scenario ?? 'hello', params: q.params }, q.turn);
          return `${q.model} ${u.input_tokens} ${u.output_tokens} ${u.cache_read_input_tokens} ${u.cache_creation_input_tokens}`;
        })
        .sort();
      const turns = run.turns
        .map((t) => `${t.model} ${t.input} ${t.output} ${t.cache_read} ${t.cache_creation}`)
        .sort();
      expect(turns, tag).toEqual(servedTurns);
      expect(
        run.turns.filter((t) => t.subagent),
        tag,
      ).toHaveLength(tag === 'sub1' ? 3 : 2);
    }
    const run = byAgent.get('agent-1')!;
    const swarmTokens = runs.reduce((n, x) => n + tokens(x), 0);
    const swarmCost = runs.reduce((n, x) => n + x.cost_usd, 0);

    // The same transcripts imported into an empty ledger give the same totals and cost.
    const fresh = { ...sandbox, env: { ...sandbox.env, CLAUDE_OTEL_HOME: path.join(sandbox.dir, 'fresh') } };
    const alone = await runCli(['import', '--json'], fresh);
    expect(alone.code, alone.stderr).toBe(0);
    const aloneResult = JSON.parse(alone.stdout) as { tokens: number; cost_usd: number };
    expect(aloneResult.tokens).toBe(swarmTokens);
    expect(aloneResult.cost_usd).toBeCloseTo(swarmCost, 12);

    // Importing Claude Code's transcripts of this session adds nothing.
    const imported = await runCli(['import', '--json'], sandbox);
    expect(imported.code, imported.stderr).toBe(0);
    const result = JSON.parse(imported.stdout) as { records: number; known: number; messages: number };
    expect(result.messages).toBe(5 + 4);
    expect(result.known).toBe(5 + 4);
    expect(result.records).toBe(0);
    expect(readLedger({ env: sandbox.env }).runs).toHaveLength(2);

    // Plain claude resumes the session later: import adds the resumed request, and only it.
    const before = api.requests.length;
    const code = await plainClaude([
      '-p',
      'and one more thing',
      '--resume',
      run.session_id!,
      '--model',
      'claude-sonnet-4-5',
      '--output-format',
      'json',
    ]);
    expect(code).toBe(0);
    const resumed = api.requests.slice(before).filter((q) => q.stream);
    expect(resumed.length).toBeGreaterThan(0);
    const resumedTokens = resumed.reduce((n, q) => {
      const u = turnUsage({ name: q.scenario ?? 'hello', params: q.params }, q.turn);
      return n + u.input_tokens + u.output_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
    }, 0);
    const again = await runCli(['import', '--json'], sandbox);
    expect(again.code, again.stderr).toBe(0);
    const second = JSON.parse(again.stdout) as { records: number; tokens: number };
    expect(second.tokens).toBe(resumedTokens);
    const after = readLedger({ env: sandbox.env }).runs;
    expect(after.reduce((n, x) => n + tokens(x), 0)).toBe(swarmTokens + resumedTokens);
  });
});

describe('a run under another Claude Code config directory', () => {
  it('reads its transcript from $CLAUDE_CONFIG_DIR for the per-turn figures', async () => {
    const other = makeSandbox(api.url);
    try {
      other.env.CLAUDE_CONFIG_DIR = path.join(other.dir, 'claude-config');
      const r = await runCli(
        ['swarm', 'go [[scenario:tools turns=2 tag=cfg1 out=77]]', '--', '--model', 'claude-sonnet-4-5'],
        other,
      );
      expect(r.code, r.stderr).toBe(0);
      const [run] = readLedger({ env: other.env, strict: true }).runs;
      expect(run?.turns_source).toBe('transcript');
      expect(run?.turns.map((t) => t.output)).toEqual([77, 82, 87]);
    } finally {
      other.cleanup();
    }
  });
});
