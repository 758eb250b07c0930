// `report --breakdown subagent` and `show` over runs recorded from the real CLI (recorded
// fixtures): rows by subagent type add up to the report's totals; a run without subagents (or a
// record written before the breakdown existed) counts under `main`; the fast ledger reader and its
// summary cache keep the breakdown.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendRunRecord } from '../../../src/ledger/append.js';
import { loadReportRuns } from '../../../src/ledger/load-runs.js';
import type { RunRecord } from '../../../src/ledger/schema.js';
import { buildPriceTable } from '../../../src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../../src/pricing/price-table-data.js';
import { buildReport } from '../../../src/report/build-report.js';
import { renderReport } from '../../../src/report/render.js';
import { formatRunDetail, turnDetails } from '../../../src/report/run-detail.js';
import { foldTranscriptFiles } from '../../../src/transcript/fold.js';
import { readSubagentMetas } from '../../../src/transcript/subagent-meta.js';
import { sessionWith, wrappedRecord } from '../transcript/recorded.js';

const table = buildPriceTable(BUILTIN_PRICE_TABLE);
const window = { since: new Date('2000-01-01T00:00:00Z'), until: new Date('2100-01-01T00:00:00Z') };

function runs(): RunRecord[] {
  const agent = sessionWith('agent');
  const tools = sessionWith('tools');
  const withSubagent = wrappedRecord(
    agent,
    { ...foldTranscriptFiles(agent.files), subagents: readSubagentMetas(agent.files.slice(1)) },
    table,
    'with-subagent',
  );
  const plain = wrappedRecord(tools, foldTranscriptFiles(tools.files), table, 'plain');
  // A record written before the breakdown existed: the same run, no `subagents` field.
  const { subagents: _s, subagent_calls: _c, ...old } = withSubagent;
  return [withSubagent, plain, { ...old, run_id: 'old' }];
}

let home: string | undefined;
afterEach(() => {
  if (home) fs.rmSync(home, { recursive: true, force: true });
  home = undefined;
});

describe('report --breakdown subagent', () => {
  it('has a row per type, main included, adding up to the totals', () => {
    const all = runs();
    const report = buildReport(all, { window, breakdown: ['subagent'], costAnalysis: false });
    const rows = report.breakdowns.subagent!;
    expect(rows.map((r) => r.key).sort()).toEqual(['general-purpose', 'main']);
    const gp = rows.find((r) => r.key === 'general-purpose')!;
    const main = rows.find((r) => r.key === 'main')!;
    expect(gp.invocations).toBe(1);
    expect(gp.runs).toBe(1);
    expect(main.runs).toBe(3);
    expect(gp.cost_usd).toBeCloseTo(all[0]!.subagents!['general-purpose']!.cost_usd, 12);
    for (const type of ['prompt', 'completion', 'cache_read', 'cache_creation', 'total'] as const)
      expect(gp.tokens[type] + main.tokens[type], type).toBe(report.totals.tokens[type]);
    expect(gp.cost_usd + main.cost_usd).toBeCloseTo(report.totals.cost_usd, 12);
    const json = JSON.parse(renderReport(report, 'json'));
    expect(
      json.breakdowns.subagent.map((r: { key: string; invocations: number }) => [r.key, r.invocations]),
    ).toContainEqual(['general-purpose', 1]);
    expect(renderReport(report, 'table')).toMatch(/general-purpose\s+1\s+1\s/);
  });

  it('survives the fast reader and its summary cache', () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'sub-report-'));
    const env = { CLAUDE_OTEL_HOME: home };
    for (const r of runs()) appendRunRecord(r, env);
    const expected = runs()[0]!.subagents;
    for (let pass = 0; pass < 2; pass++) {
      const loaded = loadReportRuns({ env, cache: true }).runs;
      expect(loaded.find((r) => r.run_id === 'with-subagent')?.subagents, `pass ${pass}`).toEqual(expected);
      expect(loaded.find((r) => r.run_id === 'old')?.subagents).toBeUndefined();
    }
    expect(fs.readdirSync(path.join(home, 'cache')).length).toBeGreaterThan(0);
  });
});

describe('show <run>', () => {
  it('lists the run’s subagents and their invocations', () => {
    const [r] = runs();
    const text = formatRunDetail(r!, turnDetails(r!, table));
    expect(text).toMatch(
      /subagent {3}general-purpose: 1 invocation\(s\), [\d,]+ tokens, \$[\d.]+ \(claude-haiku-5-5\)/,
    );
    expect(text).toMatch(/subagent {3}main: main thread and side calls/);
    expect(text).toContain('(Agent call toolu_msg_scripted_5_9428)');
  });

  it("tells Claude Code's turns (what report sums) from the API requests it lists", () => {
    const [r] = runs();
    const requests = turnDetails(r!, table);
    // The subagent's requests are rows too: more rows than Claude Code's turns.
    expect(requests.length).toBeGreaterThan(r!.num_turns);
    const text = formatRunDetail(r!, requests);
    expect(text).toContain(
      `turns      ${r!.num_turns} by Claude Code's count (report's "turns"); ` +
        `${requests.length} API request(s) below, subagents' included\n`,
    );
  });
});
