// Child process of the ledger concurrency test (bundled with esbuild so 16 copies start fast):
// waits until the shared start time, then appends `count` records to the ledger in
// CLAUDE_OTEL_HOME as fast as it can. Usage: node append-worker.mjs <worker> <count> <startAtMs>
import { appendRunRecord } from '../../../src/ledger/append.js';
import { sampleRecord } from './sample-record.js';

const [worker = '0', count = '50', startAt = '0'] = process.argv.slice(2);
const nap = new Int32Array(new SharedArrayBuffer(4));
while (Date.now() < Number(startAt)) Atomics.wait(nap, 0, 0, 2);
for (let i = 0; i < Number(count); i++) {
  appendRunRecord(sampleRecord(`w${worker}-${i}`, new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString(), i));
}
