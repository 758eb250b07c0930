// `claude-otel serve` (the built CLI) scraped by a real Prometheus 3 with created-timestamp zero
// ingestion: serve answers OpenMetrics with `_created` samples, so a window total
// `increase(openai_tokens_total[1h] anchored)` counts every series' first value and equals the
// ledger, including series that first appear after Prometheus started scraping.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRunRecord } from '../../src/ledger/append.js';
import type { RunRecord } from '../../src/ledger/schema.js';
import { generateRuns } from '../fixtures/ledger/generate-ledger.js';
import { type RunningCli, startCli } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { startPrometheus, type TestPrometheus } from '../support/prometheus.js';
import { settle, waitFor } from '../support/wait-for.js';

const now = Date.now();
// Runs that ended 20-50 minutes ago: inside the 1 h window, long before Prometheus first scrapes.
const early = generateRuns(24, { seed: 3, start: new Date(now - 50 * 60_000).toISOString(), days: 0.02 });
// Runs of new series (an agent never seen before), written while Prometheus is scraping.
const late = generateRuns(6, { seed: 4, start: new Date(now - 5 * 60_000).toISOString(), days: 0.001 }).map(
  (r, i) => ({ ...r, run_id: `late-${i}`, agent: 'late-agent' }),
);
const totalOf = (runs: RunRecord[]) =>
  runs.reduce((s, r) => s + Object.values(r.models).reduce((a, m) => a + m.total, 0), 0);

let home: string;
let serve: RunningCli;
let url: string;
let prom: TestPrometheus;

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-prom-'));
  const env = { PATH: process.env.PATH, HOME: home, TZ: 'UTC', CLAUDE_OTEL_HOME: path.join(home, 'otel') };
  for (const r of early) appendRunRecord(r, env);
  const port = await freePort();
  serve = startCli(['serve', '--port', String(port)], { env, workdir: home }, 170_000);
  url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/metrics`)).ok, {
    what: 'serve to listen',
    timeoutMs: 20_000,
  });
  prom = await startPrometheus(`127.0.0.1:${port}`, 500);
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  serve?.kill('SIGTERM');
  await serve?.done;
  fs.rmSync(home, { recursive: true, force: true });
});

describe('serve scraped by Prometheus 3', () => {
  it('answers OpenMetrics with created timestamps when asked, Prometheus text otherwise', async () => {
    expect(early.every((r) => Date.parse(r.ended_at) < now - 15 * 60_000)).toBe(true);
    const om = await fetch(`${url}/metrics`, {
      headers: { accept: 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;q=0.2' },
    });
    expect(om.headers.get('content-type')).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    const text = await om.text();
    expect(text.endsWith('# EOF\n')).toBe(true);
    const firstEnd = Math.min(...early.map((r) => Date.parse(r.ended_at)));
    const created = [...text.matchAll(/^openai_tokens_created\{.*\} (\S+)$/gm)].map(
      (m) => Number(m[1]) * 1000,
    );
    expect(created.length).toBeGreaterThan(0);
    expect(Math.min(...created)).toBe(firstEnd);
    const plain = await (await fetch(`${url}/metrics`, { headers: { accept: 'text/plain' } })).text();
    expect(plain).not.toContain('_created');
    expect(plain).toContain('# TYPE openai_tokens_total counter');
  });

  it('increase(openai_tokens_total[1h] anchored) summed equals the ledger total exactly', async () => {
    const query = 'sum(increase(openai_tokens_total{token_type="total"}[1h] anchored))';
    const expected = totalOf(early);
    await settle(async () => (await prom.scalar(query)) === expected, { timeoutMs: 30_000, intervalMs: 250 });
    expect(await prom.scalar(query)).toBe(expected);
    // New series appear while Prometheus scrapes: their first values count too.
    const env = { CLAUDE_OTEL_HOME: path.join(home, 'otel') };
    for (const r of late) appendRunRecord(r, env);
    const all = totalOf([...early, ...late]);
    await settle(async () => (await prom.scalar(query)) === all, { timeoutMs: 30_000, intervalMs: 250 });
    expect(await prom.scalar(query)).toBe(all);
    expect(
      await prom.scalar(
        'sum(increase(openai_tokens_total{agent="late-agent",token_type="total"}[1h] anchored))',
      ),
    ).toBe(totalOf(late));
    // The _created samples are read as created timestamps, not ingested as series of their own.
    expect(await prom.query('openai_tokens_created')).toEqual([]);
  });
});
