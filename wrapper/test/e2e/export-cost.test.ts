// What the export loads: sending a run's metrics and spans must not pull the OpenTelemetry SDK,
// grpc-js or protobufjs into a wrapped run (loading them cost ~385 ms of CPU per run, 1.3x the
// CPU of Claude Code alone). The built export bundle runs in a child process, as a run uses it,
// against a real collector; the test reads which packages it loaded and checks the collector
// accepted the run (exactness is checked by the pipeline tests).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runProcess } from '../support/cli.js';
import { startCollector, type TestCollector } from '../support/collector.js';
import { variedRun } from '../support/collector-fixtures.js';

let collector: TestCollector;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-otel-export-cost-'));

beforeAll(async () => {
  collector = await startCollector();
});

afterAll(async () => {
  await collector?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const CHILD = `
const { startExporter } = require(process.env.EXPORT_BUNDLE).export;
const record = JSON.parse(require('node:fs').readFileSync(process.env.RECORD_FILE, 'utf8'));
const result = await startExporter({ endpoint: process.env.ENDPOINT, timeoutMs: 10000 }).exportRuns([record]);
const loaded = Object.keys(require.cache).filter((f) => /node_modules\\/(@grpc|@opentelemetry|protobufjs)\\//.test(f));
process.stdout.write(JSON.stringify({ result, loaded }));
`;

describe('export cost', () => {
  it('sends a run to the collector without loading the OpenTelemetry SDK, grpc-js or protobufjs', async () => {
    const recordFile = path.join(dir, 'record.json');
    fs.writeFileSync(recordFile, JSON.stringify(variedRun(3, { operation: 'export-cost' })));
    const {
      code,
      stdout: out,
      stderr: err,
    } = await runProcess(process.execPath, ['--input-type=commonjs', '-e', `(async () => {${CHILD}})()`], {
      env: {
        ...process.env,
        EXPORT_BUNDLE: path.join(REPO_ROOT, 'wrapper/dist/bundle/heavy.cjs'),
        RECORD_FILE: recordFile,
        ENDPOINT: collector.grpcEndpoint,
      },
    });
    expect(code, err).toBe(0);
    const { result, loaded } = JSON.parse(out) as {
      result: { sent: string[]; error?: string };
      loaded: string[];
    };
    expect(result.error).toBeUndefined();
    expect(result.sent).toHaveLength(1);
    expect(loaded).toEqual([]);
  });
});
