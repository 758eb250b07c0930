// The running marker's atomic write (temp file + rename) leaves nothing behind when it fails: on a
// full disk every failed update used to leave an empty `<id>.json.<pid>.tmp` in running/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runningDir } from '../../../src/config/paths.js';
import { RunningMarkerWriter } from '../../../src/run/running-marker.js';

let home: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'running-marker-test-'));
  env = { CLAUDE_OTEL_HOME: home };
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

const base = {
  run_id: 'r1',
  invocation_id: 'i',
  operation: 'swarm',
  agent: 'a',
  started_at: '2026-11-26T15:00:00.000Z',
};

describe('RunningMarkerWriter', () => {
  it('writes the marker whole and leaves no temp file', () => {
    new RunningMarkerWriter(env, base).update(undefined, undefined, true);
    expect(fs.readdirSync(runningDir(env))).toEqual(['r1.json']);
    expect(JSON.parse(fs.readFileSync(path.join(runningDir(env), 'r1.json'), 'utf8')).run_id).toBe('r1');
  });

  it('removes its temp file when the write fails, and does not throw', () => {
    // The rename fails (a non-empty directory where the marker goes), after the temp file was
    // created: the same step a full disk fails at, one step later.
    const dir = runningDir(env);
    fs.mkdirSync(path.join(dir, 'r1.json', 'blocker'), { recursive: true });
    const writer = new RunningMarkerWriter(env, base);
    for (let i = 0; i < 3; i++) expect(() => writer.update(undefined, undefined, true)).not.toThrow();
    expect(fs.readdirSync(dir)).toEqual(['r1.json']);
    expect(fs.statSync(path.join(dir, 'r1.json')).isDirectory()).toBe(true);
  });
});
