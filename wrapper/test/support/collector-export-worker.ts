// A separate exporting process for concurrency tests (run with `node --import tsx`): appends N
// synthetic runs to the ledger at CLAUDE_OTEL_HOME and exports what is pending, as a run does.
// argv: <endpoint> <count> <seed> <operation>; prints the export result as one JSON line.
import { exportPendingWith } from '../../src/export/export-pending.js';
import { startExporter } from '../../src/export/exporter.js';
import { appendRunRecord } from '../../src/ledger/append.js';
import { variedRun } from './collector-fixtures.js';

const [endpoint = '', count = '1', seed = '0', operation = 'swarm'] = process.argv.slice(2);
const records = [];
for (let i = 0; i < Number(count); i++) {
  records.push(appendRunRecord(variedRun(Number(seed) * 1000 + i, { operation })));
}
// Created after the appends, not before: its TCP probe's timer (at most 1000 ms) would otherwise
// run through the synchronous appends (a parse and fsyncs per record, many workers on few cores),
// and Node runs an expired timer before it reads the connect, so a slow stretch over 1 s reported
// "no answer within 1000 ms" with the collector up.
const exporter = startExporter({ endpoint, timeoutMs: Number(process.env.WORKER_TIMEOUT_MS ?? 2000) });
const started = Date.now();
const result = await exportPendingWith(exporter, {
  records,
  deadline: started + Number(process.env.WORKER_TIMEOUT_MS ?? 2000),
});
process.stdout.write(`${JSON.stringify({ ...result, ms: Date.now() - started })}\n`);
