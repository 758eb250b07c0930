// Pipeline benchmark: how long after a run ends its tokens are visible in Prometheus, and how much
// wall time the export adds to a run with the collector up and down. Real collector, real Prometheus.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportPendingWith } from '../src/export/export-pending.js';
import { startExporter } from '../src/export/exporter.js';
import { appendRunRecord } from '../src/ledger/append.js';
import { startCollector } from '../test/support/collector.js';
import { variedRun } from '../test/support/collector-fixtures.js';
import { startPrometheus } from '../test/support/prometheus.js';
import { type BenchResult, median } from './result.js';

const SCRAPE_MS = 1000;

export async function benchPipeline(): Promise<BenchResult[]> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-bench-'));
  const env = { ...process.env, CLAUDE_OTEL_HOME: home };
  const collector = await startCollector();
  const prom = await startPrometheus(collector.metricsTarget, SCRAPE_MS);
  try {
    const exportOne = async (i: number, op: string) => {
      const exporter = startExporter({ endpoint: collector.grpcEndpoint });
      const record = appendRunRecord(variedRun(i, { operation: op }), env);
      const started = Date.now();
      const result = await exportPendingWith(exporter, { env, records: [record], deadline: started + 2000 });
      return { record, result, ms: Date.now() - started, started };
    };
    const visible: number[] = [];
    const upMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const op = `bench-${i}`;
      const { record, ms, started } = await exportOne(i, op);
      upMs.push(ms);
      const want = Object.values(record.models).reduce((s, u) => s + u.total, 0);
      const deadline = started + 30_000;
      while (Date.now() < deadline) {
        const got = await prom.scalar(`sum(openai_tokens_total{operation="${op}",token_type="total"})`);
        if (got === want) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      visible.push(Date.now() - started);
      if (process.env.BENCH_DEBUG) console.error(`visible after ${visible.at(-1)} ms`);
    }
    await collector.stop();
    const downMs: number[] = [];
    for (let i = 0; i < 5; i++) downMs.push((await exportOne(100 + i, 'bench-down')).ms);
    const visibleTarget = SCRAPE_MS + 2000;
    return [
      {
        name: 'pipeline: run end → tokens visible in Prometheus (max of 5)',
        value: Math.max(...visible),
        unit: 'ms',
        target: `<= scrape interval + 2 s (${visibleTarget} ms at ${SCRAPE_MS} ms scrape)`,
        ok: Math.max(...visible) <= visibleTarget,
      },
      {
        name: 'pipeline: export wall time added to a run, collector up (median of 5)',
        value: median(upMs),
        unit: 'ms',
        target: '<= 2000 ms',
        ok: Math.max(...upMs) <= 2000,
      },
      {
        name: 'pipeline: export wall time added to a run, collector down (median of 5)',
        value: median(downMs),
        unit: 'ms',
        target: '<= 2000 ms',
        ok: Math.max(...downMs) <= 2000,
      },
    ];
  } finally {
    await prom.stop();
    await collector.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchPipeline())
    console.log(`${r.ok ? 'ok  ' : 'SLOW'} ${r.name}: ${r.value} ${r.unit} (${r.target})`);
}
