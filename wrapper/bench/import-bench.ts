// Import benchmark: a generated transcript history (1 GB by default, from the recorded session in
// test/fixtures/transcripts; CLAUDE_OTEL_BENCH_IMPORT_BYTES sets another size, 0 skips it) with one
// 50 MB line and one busy session, imported by the built CLI. Prints wall time, peak RSS against
// the largest file, the ledger's longest line against its cap, and whether totals are exact.
// e2e/import-memory.test.ts checks the same bound on a smaller history in every test run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_RECORD_LINE_BYTES } from '../src/import/to-records.js';
import { generateHistory } from '../test/fixtures/transcripts/generate-history.js';
import { runCliMeasured } from '../test/support/peak-rss.js';
import type { BenchResult } from './result.js';

const HUGE_LINE_BYTES = 50e6;
const BUSY_COPIES = 6000;
/** Peak memory allowed on top of the largest file (Node itself, the id set, one batch of records). */
const RSS_HEADROOM_MB = 250;

function importProcess(from: string, env: NodeJS.ProcessEnv) {
  return runCliMeasured(['import', '--from', from, '--json'], env);
}

export async function benchImport(): Promise<BenchResult[]> {
  const bytes = Number(process.env.CLAUDE_OTEL_BENCH_IMPORT_BYTES ?? 1e9);
  if (!(bytes > 0)) return [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-import-bench-'));
  try {
    const projects = path.join(dir, 'projects');
    const history = generateHistory(projects, {
      bytes,
      hugeLineBytes: HUGE_LINE_BYTES,
      busyHourCopies: BUSY_COPIES,
    });
    const otel = path.join(dir, 'otel');
    const env = { PATH: '/usr/bin:/bin', HOME: dir, CLAUDE_OTEL_HOME: otel, CLAUDE_OTEL_EXPORT: 'off' };
    const r = await importProcess(projects, env);
    if (r.code !== 0) throw new Error(`import exited ${r.code}`);
    const result = JSON.parse(r.stdout) as { messages: number; tokens: number; longest_line_bytes: number };
    let longest = 0;
    const ledger = path.join(otel, 'ledger');
    for (const name of fs.readdirSync(ledger).filter((n) => n.startsWith('runs-'))) {
      for (const line of fs.readFileSync(path.join(ledger, name), 'utf8').split('\n'))
        longest = Math.max(longest, Buffer.byteLength(line));
    }
    // Again over the same history: everything is known now (the dedupe set holds every id).
    const again = await importProcess(projects, env);
    if (again.code !== 0) throw new Error(`second import exited ${again.code}`);
    const second = JSON.parse(again.stdout) as { records: number; known: number };
    const t = history.tokens;
    const exact =
      result.messages === history.messages &&
      result.tokens === t.input + t.output + t.cache_read + t.cache_creation;
    const mb = (n: number) => n / 1e6;
    const peakMb = r.peakKb / 1024;
    const largestMb = history.largestFileBytes / (1 << 20);
    return [
      {
        name: `import of ${mb(history.bytes).toFixed(0)} MB of transcripts (${history.files} files, ${history.messages} messages): wall time`,
        value: r.ms / 1000,
        unit: 's',
        target: '-',
        ok: true,
      },
      {
        name: `import peak RSS (largest file ${largestMb.toFixed(0)} MB, one line of ${mb(HUGE_LINE_BYTES).toFixed(0)} MB)`,
        value: peakMb,
        unit: 'MB',
        target: `< largest file + ${RSS_HEADROOM_MB}`,
        ok: peakMb < largestMb + RSS_HEADROOM_MB,
      },
      {
        name: 'longest ledger line written by import',
        value: longest,
        unit: 'bytes',
        target: `<= ${MAX_RECORD_LINE_BYTES}`,
        ok: longest <= MAX_RECORD_LINE_BYTES && longest === result.longest_line_bytes,
      },
      {
        name: `import of the same history again (${second.known} messages known): wall time / peak RSS`,
        value: again.ms / 1000,
        unit: `s / ${(again.peakKb / 1024).toFixed(1)} MB, ${second.records} records added`,
        target: '0 records, RSS as above',
        ok:
          second.records === 0 &&
          second.known === history.messages &&
          again.peakKb / 1024 < largestMb + RSS_HEADROOM_MB,
      },
      {
        name: 'imported messages and tokens equal the generated history',
        value: exact ? 1 : 0,
        unit: exact ? '(exact)' : '(NOT exact)',
        target: '1',
        ok: exact,
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
