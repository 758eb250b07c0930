// Import end to end: the real Claude Code CLI writes its transcript against the scripted
// endpoint, then import brings it into the ledger once and only once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTranscripts } from '../../src/import/import-transcripts.js';
import { loadReportRuns } from '../../src/ledger/load-runs.js';
import { buildPriceTable } from '../../src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../src/pricing/price-table-data.js';
import { buildReport } from '../../src/report/build-report.js';
import { runClaude, transcriptFiles } from '../fixtures/transcripts/record-transcripts.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';

describe('import of a fresh Claude Code transcript', () => {
  let api: ScriptedApi;
  let home: string;
  let ledgerHome: string;
  beforeAll(async () => {
    api = await startScriptedApi();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-import-home-'));
    ledgerHome = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-import-ledger-'));
  });
  afterAll(async () => {
    await api.close();
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(ledgerHome, { recursive: true, force: true });
  });

  it('counts what the endpoint served, once', async () => {
    const code = await runClaude(home, api.url, 'go [[scenario:tools turns=3 in=2000 out=50 cr=900 cc=100]]');
    expect(code).toBe(0);
    expect(transcriptFiles(home)).toHaveLength(1);
    const served = api.requests.filter((r) => r.scenario === 'tools' && r.stream);
    expect(served).toHaveLength(4);
    const table = buildPriceTable(BUILTIN_PRICE_TABLE);
    const env = { CLAUDE_OTEL_HOME: ledgerHome };
    const first = importTranscripts(path.join(home, '.claude', 'projects'), table, env);
    expect(first.messages).toBe(4);
    // turnUsage: in + 17k per turn k = 0..3
    const expectedInput = 4 * 2000 + 17 * (0 + 1 + 2 + 3);
    const { runs } = loadReportRuns({ env });
    const window = { since: new Date(0), until: new Date(Date.now() + 60_000) };
    const report = buildReport(runs, { window, breakdown: ['operation'], costAnalysis: false, table });
    expect(report.totals.tokens.prompt).toBe(expectedInput);
    expect(report.totals.imported).toBe(1);
    expect(report.breakdowns.operation?.[0]?.key).toBe('import');
    const second = importTranscripts(path.join(home, '.claude', 'projects'), table, env);
    expect(second.records).toBe(0);
    expect(loadReportRuns({ env }).runs).toHaveLength(1);
  });
});
