// Usage by subagent end to end: the real Claude Code CLI, driven by the scripted endpoint, runs two
// subagents of different types (general-purpose on haiku, and a custom `reviewer` agent on the
// main model) inside `claude-otel swarm` exporting to the real collector, and in a plain `claude -p`
// session recorded by the hooks `setup --hooks` installs. The ledger's shares by type match what
// the endpoint served to each, sum exactly to Claude Code's modelUsage and total_cost_usd, come
// out of `report --breakdown subagent --json`, and each subagent's span hangs under its Agent call.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLedger } from '../../src/ledger/read.js';
import type { RunRecord } from '../../src/ledger/schema.js';
import { loadPriceTable } from '../../src/pricing/price-table.js';
import type { BreakdownRow, Report } from '../../src/report/build-report.js';
import { makeSandbox, runClaude, runCli, type Sandbox } from '../support/cli.js';
import { startCollector, type TestCollector } from '../support/collector.js';
import { servedUsage } from '../support/expected-usage.js';
import { finishPending } from '../support/finish-pending.js';
import { spanAttr, spansInFile } from '../support/otlp-spans.js';
import type { RecordedRequest } from '../support/scripted-api/server.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';
import { waitFor } from '../support/wait-for.js';

let api: ScriptedApi;
let collector: TestCollector;
let s: Sandbox;
const table = loadPriceTable({});
const TOKEN_FIELDS = ['prompt', 'completion', 'cache_read', 'cache_creation', 'total'] as const;

beforeAll(async () => {
  api = await startScriptedApi();
  collector = await startCollector();
  s = makeSandbox(api.url, { CLAUDE_OTEL_DEBUG: '1', OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint });
  // A custom agent (user scope), so a subagent type is a name Claude Code only knows from it.
  fs.mkdirSync(path.join(s.home, '.claude', 'agents'), { recursive: true });
  fs.writeFileSync(
    path.join(s.home, '.claude', 'agents', 'reviewer.md'),
    '---\nname: reviewer\ndescription: Reviews scripted work. Use for scripted review tasks.\ntools: Glob\n---\nYou review.\n',
  );
  const setup = await runCli(['setup', '--hooks', '--scope', 'user', '--yes'], s);
  expect(setup.code, setup.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await api?.close();
  await collector?.close();
  s?.cleanup();
});

const prompt = (tag: string) =>
  `delegate [[scenario:agent tag=${tag} agents=2 in=800 out=40 sub_model=haiku sub_turns=2 sub_in=300 sub_out=45 type2=reviewer sub2_turns=1 sub2_in=222 sub2_out=21]]`;

/** What the endpoint served to the main thread and to each subagent (by its `sub` param). */
function servedByType(tag: string) {
  const mine = api.requests.filter((q) => q.params.tag === tag);
  const pick = (keep: (q: RecordedRequest) => boolean) => servedUsage(mine.filter(keep), tag, table);
  return {
    main: pick((q) => q.params.role !== 'sub'),
    'general-purpose': pick((q) => q.params.role === 'sub' && q.params.sub === undefined),
    reviewer: pick((q) => q.params.role === 'sub' && q.params.sub === '2'),
  };
}

/** The shares of records (a record without subagents is all `main`), summed per type and model. */
function sharesOf(runs: RunRecord[]) {
  const out: Record<
    string,
    { invocations: number; cost: number; models: Record<string, Record<string, number>> }
  > = {};
  for (const r of runs) {
    const shares = r.subagents ?? { main: { invocations: 0, models: r.models, cost_usd: r.cost_usd } };
    for (const [type, share] of Object.entries(shares)) {
      out[type] ??= { invocations: 0, cost: 0, models: {} };
      const e = out[type];
      e.invocations += share.invocations;
      e.cost += share.cost_usd;
      for (const [model, u] of Object.entries(share.models)) {
        e.models[model] ??= {};
        const m = e.models[model];
        for (const f of TOKEN_FIELDS) m[f] = (m[f] ?? 0) + u[f];
      }
    }
  }
  return out;
}

function expectServed(shares: ReturnType<typeof sharesOf>, served: ReturnType<typeof servedByType>) {
  expect(Object.keys(shares).sort()).toEqual(['general-purpose', 'main', 'reviewer']);
  for (const [type, byModel] of Object.entries(served)) {
    expect(Object.keys(shares[type]!.models).sort(), type).toEqual(Object.keys(byModel).sort());
    for (const [model, u] of Object.entries(byModel))
      for (const f of TOKEN_FIELDS)
        expect(shares[type]!.models[model]![f], `${type} ${model} ${f}`).toBe(u[f]);
  }
  expect(shares['general-purpose']!.invocations).toBe(1);
  expect(shares.reviewer!.invocations).toBe(1);
  expect(Object.keys(served['general-purpose'])).toEqual(['claude-haiku-5-5']);
  expect(Object.keys(served.reviewer)).toEqual(['claude-sonnet-4-5']);
}

describe('two subagents of different types', () => {
  it('swarm: shares by type, exact sums, report --breakdown subagent, spans under the Agent calls', async () => {
    const r = await runCli(['swarm', prompt('sw'), '--json', '--', '--model', 'claude-sonnet-4-5'], s);
    expect(r.code, r.stderr).toBe(0);
    const runs = readLedger({ env: s.env, strict: true }).runs;
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expectServed(sharesOf([run]), servedByType('sw'));
    // The shares add up to the run's totals (Claude Code's modelUsage) and cost (total_cost_usd).
    const shares = Object.values(run.subagents!);
    for (const [model, u] of Object.entries(run.models))
      for (const f of TOKEN_FIELDS)
        expect(
          shares.reduce((n, x) => n + (x.models[model]?.[f] ?? 0), 0),
          `${model} ${f}`,
        ).toBe(u[f]);
    expect(run.cost_source).toBe('claude');
    expect(shares.reduce((n, x) => n + x.cost_usd, 0)).toBeCloseTo(run.cost_usd, 12);

    const rep = await runCli(['report', '--json', '--breakdown', 'subagent', '--since', '2000-01-01'], s);
    expect(rep.code, rep.stderr).toBe(0);
    const report = JSON.parse(rep.stdout) as Report;
    const rows = new Map((report.breakdowns.subagent ?? []).map((x: BreakdownRow) => [x.key, x]));
    expect([...rows.keys()].sort()).toEqual(['general-purpose', 'main', 'reviewer']);
    expect(rows.get('reviewer')?.invocations).toBe(1);
    expect(rows.get('general-purpose')?.cost_usd).toBeCloseTo(
      run.subagents!['general-purpose']!.cost_usd,
      12,
    );
    const rowSum = [...rows.values()].reduce((n, x) => n + x.tokens.total, 0);
    expect(rowSum).toBe(report.totals.tokens.total);

    // The subagent spans, each under the span of the Agent tool call that started it. The swarm's
    // end-of-run export sends them; if its bound ran out, sync does (as documented).
    await finishPending(s, 'subagent-breakdown swarm');
    const spans = await waitFor(
      () => {
        const found = spansInFile(collector.tracesFile).filter((sp) => sp.traceId === run.trace_id);
        return found.filter((sp) => sp.name.startsWith('subagent ')).length >= 2 ? found : undefined;
      },
      { what: 'subagent spans in the collector file exporter', timeoutMs: 30_000 },
    );
    const byId = new Map(spans.map((sp) => [sp.spanId, sp]));
    const subs = spans.filter((sp) => sp.name.startsWith('subagent '));
    expect(subs.map((sp) => sp.name).sort()).toEqual(['subagent general-purpose', 'subagent reviewer']);
    for (const sub of subs) {
      const parent = byId.get(sub.parentSpanId ?? '');
      expect(parent?.name, sub.name).toBe('execute_tool Agent');
      expect(spanAttr(parent!, 'gen_ai.tool.call.id')).toBe(spanAttr(sub, 'gen_ai.tool.call.id'));
      expect(spanAttr(sub, 'claude_otel.subagent.type')).toBe(sub.name.slice('subagent '.length));
    }
  });

  it('plain claude -p recorded by the hook: the same shares, summing to modelUsage; import adds nothing', async () => {
    const before = readLedger({ env: s.env }).runs.map((r) => r.run_id);
    const plain = await runClaude(
      ['-p', prompt('plain'), '--model', 'claude-sonnet-4-5', '--output-format', 'json'],
      s,
      120_000,
    );
    if (plain.code !== 0) throw new Error(`claude exited ${plain.code}: ${plain.stderr.slice(-500)}`);
    const result = JSON.parse(plain.stdout) as {
      session_id: string;
      total_cost_usd: number;
      modelUsage: Record<
        string,
        {
          inputTokens: number;
          outputTokens: number;
          cacheReadInputTokens: number;
          cacheCreationInputTokens: number;
        }
      >;
    };
    const log = () => {
      try {
        return fs.readFileSync(path.join(s.otelHome, 'hook.log'), 'utf8');
      } catch {
        return '';
      }
    };
    await waitFor(() => log().includes(`SessionEnd ${result.session_id}: recorded`), {
      what: `the hook's SessionEnd recording: ${log()}`,
      timeoutMs: 60_000,
    });
    const runs = readLedger({ env: s.env, strict: true }).runs.filter((r) => !before.includes(r.run_id));
    expect(runs.every((r) => r.session_id === result.session_id && r.operation === 'hook')).toBe(true);
    const shares = sharesOf(runs);
    expectServed(shares, servedByType('plain'));
    // Summed over types, per model: exactly Claude Code's modelUsage; the cost: its total_cost_usd.
    for (const [model, u] of Object.entries(result.modelUsage)) {
      const sum = (f: (typeof TOKEN_FIELDS)[number]) =>
        Object.values(shares).reduce((n, x) => n + (x.models[model]?.[f] ?? 0), 0);
      expect([sum('prompt'), sum('completion'), sum('cache_read'), sum('cache_creation')], model).toEqual([
        u.inputTokens,
        u.outputTokens,
        u.cacheReadInputTokens,
        u.cacheCreationInputTokens,
      ]);
    }
    expect(Object.values(shares).reduce((n, x) => n + x.cost, 0)).toBeCloseTo(result.total_cost_usd, 12);

    const imported = await runCli(['import', '--json'], s);
    expect(imported.code, imported.stderr).toBe(0);
    expect((JSON.parse(imported.stdout) as { records: number }).records).toBe(0);
  });
});
