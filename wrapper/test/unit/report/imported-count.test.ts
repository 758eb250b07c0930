// `imported` counts runs brought in by `claude-otel import` (or the session hook) only: a run the
// wrapper recorded itself whose usage was read from its transcript (a budget-cancelled agent, an
// interactive run) is not imported, in the totals, the breakdowns, the CSV and the table's note.
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/ledger/schema.js';
import { buildReport } from '../../../src/report/build-report.js';
import { formatCsv } from '../../../src/report/format-csv.js';
import { formatTable } from '../../../src/report/format-text.js';
import { syntheticRun } from '../../support/collector-fixtures.js';

const window = { since: new Date('2000-01-01T00:00:00Z'), until: new Date('2100-01-01T00:00:00Z') };

function runs(): RunRecord[] {
  // What swarm records for an agent cancelled by --budget-usd: usage recovered from its transcript.
  const budget: RunRecord = { ...syntheticRun(), termination: 'budget', usage_source: 'transcript' };
  const interactive: RunRecord = { ...syntheticRun(), termination: 'completed', usage_source: 'transcript' };
  const imported: RunRecord = {
    ...syntheticRun(),
    operation: 'import',
    termination: 'imported',
    usage_source: 'transcript',
    imported: { source: 'claude-code-transcript', file: '/tmp/x.jsonl' },
  };
  return [budget, interactive, imported];
}

describe('imported runs', () => {
  it('counts real imports only, not runs whose usage came from a transcript', () => {
    const report = buildReport(runs(), { window, breakdown: ['model'], costAnalysis: false });
    expect(report.totals.runs).toBe(3);
    expect(report.totals.imported).toBe(1);
    expect(report.breakdowns.model!.map((r) => r.imported)).toEqual([1]);
    const csvTotal = formatCsv(report).split('\n')[1]!.split(',');
    const col = formatCsv(report).split('\n')[0]!.split(',').indexOf('imported');
    expect(csvTotal[col]).toBe('1');
    expect(formatTable(report)).toContain('Note: 1 imported run(s) priced with the price table');
  });

  it('has no note when nothing was imported', () => {
    const report = buildReport(runs().slice(0, 2), { window, breakdown: [], costAnalysis: false });
    expect(report.totals.imported).toBe(0);
    expect(formatTable(report)).not.toContain('imported run(s)');
  });
});
