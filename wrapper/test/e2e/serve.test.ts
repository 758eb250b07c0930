// `serve` over a real ledger on a loopback port: scrapes see new runs as they are appended, a torn
// last line is left for later, and a restart gives the same totals (the ledger is the source).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendRunRecord } from '../../src/ledger/append.js';
import { startMetricsServer } from '../../src/serve/server.js';
import { generateRuns } from '../fixtures/ledger/generate-ledger.js';
import { parseProm, sumSeries } from '../unit/serve/prom-text.js';

const runs = generateRuns(30);
const totalOf = (rs: typeof runs) =>
  rs.reduce((s, r) => s + Object.values(r.models).reduce((a, m) => a + m.total, 0), 0);

async function scrapeTotal(url: string): Promise<number> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
  expect(res.status).toBe(200);
  return sumSeries(parseProm(await res.text()), 'openai_tokens_total', { token_type: 'total' });
}

describe('claude-otel serve', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-'));
    env = { CLAUDE_OTEL_HOME: home };
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('tracks the ledger exactly, across appends and restarts', async () => {
    for (const r of runs.slice(0, 20)) appendRunRecord(r, env);
    const first = await startMetricsServer({ env, host: '127.0.0.1', port: 0 });
    try {
      expect(await scrapeTotal(first.url)).toBe(totalOf(runs.slice(0, 20)));
      for (const r of runs.slice(20)) appendRunRecord(r, env);
      // A torn line (a write in progress) is not counted, and not lost.
      const file = path.join(home, 'ledger', 'runs-2026-11.jsonl');
      fs.appendFileSync(file, '{"v":1,"kind":"run","run_id":"half');
      expect(await scrapeTotal(first.url)).toBe(totalOf(runs));
      const notFound = await fetch(`${first.url}/other`);
      expect(notFound.status).toBe(404);
    } finally {
      await first.close();
    }
    const second = await startMetricsServer({ env, host: '127.0.0.1', port: 0 });
    try {
      expect(await scrapeTotal(second.url)).toBe(totalOf(runs));
    } finally {
      await second.close();
    }
  });
});
