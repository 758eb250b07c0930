// Recordings in flight: a reader (the gate) waits for the hook's recorders, within its bound, and
// a marker left by a recorder that died long ago is not waited for.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  awaitRecordings,
  markRecording,
  recordingsInFlight,
  STALE_RECORDING_MS,
  unmarkRecording,
} from '../../../src/hook/in-flight.js';

let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'in-flight-'));
  env = { CLAUDE_OTEL_HOME: dir };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('waits until the recorders are done, and no longer than its bound', async () => {
  expect(await awaitRecordings(env, 0)).toBe(0);
  const a = markRecording(env, 's1');
  const b = markRecording(env, 's1');
  expect(recordingsInFlight(env)).toBe(2);
  const started = Date.now();
  expect(await awaitRecordings(env, 150)).toBe(2);
  expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  setTimeout(() => {
    unmarkRecording(env, a);
    unmarkRecording(env, b);
  }, 100);
  expect(await awaitRecordings(env, 5000)).toBe(0);
});

it('ignores a marker older than STALE_RECORDING_MS', () => {
  const name = markRecording(env, 's2')!;
  const old = new Date(Date.now() - STALE_RECORDING_MS - 1000);
  fs.utimesSync(path.join(dir, 'hook-recording', name), old, old);
  expect(recordingsInFlight(env)).toBe(0);
});
