// serve reports each damaged ledger line once (file and line), at start-up and as the ledger
// grows, and still counts every intact run: a torn last line never hides the next run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendRunRecord } from '../../../src/ledger/append.js';
import { ledgerPaths } from '../../../src/ledger/store.js';
import { startMetricsServer } from '../../../src/serve/server.js';
import { sampleRecord } from '../ledger/sample-record.js';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-serve-warn-'));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('serve and damaged ledger lines', () => {
  it('warns once per damaged line and counts the run appended after a torn one', async () => {
    const env = { CLAUDE_OTEL_HOME: home };
    const file = path.join(ledgerPaths(env).dir, 'runs-2026-11.jsonl');
    appendRunRecord(sampleRecord('a', '2026-11-05T10:00:00.000Z'), env);
    appendRunRecord(sampleRecord('b', '2026-11-05T11:00:00.000Z'), env);
    fs.truncateSync(file, fs.statSync(file).size - 300); // a crash mid-append of b
    const warnings: string[] = [];
    const server = await startMetricsServer({
      env,
      host: '127.0.0.1',
      port: 0,
      onWarning: (w) => warnings.push(w),
    });
    try {
      expect(server.metrics.runs).toBe(1);
      expect(warnings).toEqual([]); // the torn line may still be a write in progress
      appendRunRecord(sampleRecord('c', '2026-11-05T12:00:00.000Z'), env);
      for (let i = 0; i < 2; i++) expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
      expect(server.metrics.runs).toBe(2);
      expect(warnings).toEqual(['runs-2026-11.jsonl:2: damaged run record skipped']);
    } finally {
      await server.close();
    }
  });
});
