// The session hook's pure parts and its import: payload parsing, the wrapped-session rule, the
// settings merge of setup --hooks, and the import lock (a recorder never imports while another
// holds it), over a recorded Claude Code transcript with a subagent.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireFileLock } from '../../../src/export/export-lock.js';
import { isWrappedSession, parseHookPayload, recordArgs } from '../../../src/hook/hook-entry.js';
import { readHookProblems } from '../../../src/hook/hook-log.js';
import { importLockPath, importSession, sessionFiles } from '../../../src/hook/record-session.js';
import { readLedger } from '../../../src/ledger/read.js';
import { HOOK_TIMEOUT_S, hookCommand, planHooks } from '../../../src/stack/claude-settings.js';

const SESSION = '5defaa15-98e8-4c54-8226-ed009c6671fd';
const TRANSCRIPT = path.resolve(
  import.meta.dirname,
  `../../fixtures/transcripts/projects/-tmp-cc-cwd-eyvH9l/${SESSION}.jsonl`,
);

let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hook-unit-'));
  env = { CLAUDE_OTEL_HOME: dir, HOME: dir, CLAUDE_OTEL_EXPORT: 'off' };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('hook payload', () => {
  it('keeps the ids of SessionEnd and Stop, ignores other events, rejects bad input', () => {
    const p = parseHookPayload(
      JSON.stringify({
        session_id: SESSION,
        transcript_path: TRANSCRIPT,
        cwd: '/w',
        hook_event_name: 'Stop',
      }),
    );
    expect(p).toEqual({ session_id: SESSION, transcript_path: TRANSCRIPT, cwd: '/w', event: 'Stop' });
    expect(recordArgs(p as Exclude<typeof p, string>)).toEqual([
      'hook',
      '--record',
      '--event',
      'Stop',
      '--session',
      SESSION,
      '--transcript',
      TRANSCRIPT,
      '--cwd',
      '/w',
    ]);
    expect(parseHookPayload(JSON.stringify({ session_id: SESSION, hook_event_name: 'PreToolUse' }))).toMatch(
      /^ignored/,
    );
    expect(parseHookPayload('{')).toMatch(/not JSON/);
    expect(parseHookPayload(JSON.stringify({ session_id: '../x', hook_event_name: 'Stop' }))).toMatch(
      /session_id/,
    );
  });

  it('leaves the wrapped session to the wrapper, not a claude its tools started', () => {
    expect(isWrappedSession(env, SESSION)).toBe(false);
    const wrapped = { ...env, CLAUDE_OTEL_WRAPPED: 'run-1' };
    expect(isWrappedSession(wrapped, SESSION)).toBe(true);
    fs.mkdirSync(path.join(dir, 'running'));
    fs.writeFileSync(path.join(dir, 'running', 'run-1.json'), JSON.stringify({ session_id: SESSION }));
    expect(isWrappedSession(wrapped, SESSION)).toBe(true);
    expect(isWrappedSession(wrapped, 'another-session')).toBe(false);
  });
});

describe('setup --hooks settings', () => {
  it("adds SessionEnd and Stop hooks, keeps the user's, replaces an older claude-otel hook, once", () => {
    const user = { hooks: [{ type: 'command', command: 'notify-send done' }] };
    const existing = {
      model: 'x',
      hooks: {
        Stop: [user, { hooks: [{ type: 'command', command: '/old/bin/claude-otel hook' }] }],
        PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'audit' }] }],
      },
    };
    const { next, changes } = planHooks(existing, '/opt/my tools/claude-otel');
    const ours = {
      hooks: [
        { type: 'command', command: hookCommand('/opt/my tools/claude-otel'), timeout: HOOK_TIMEOUT_S },
      ],
    };
    expect(hookCommand('/opt/my tools/claude-otel')).toBe("'/opt/my tools/claude-otel' hook");
    expect(changes.map((c) => c.key)).toEqual(['hooks.SessionEnd', 'hooks.Stop']);
    expect(next).toEqual({
      model: 'x',
      hooks: { Stop: [user, ours], PreToolUse: existing.hooks.PreToolUse, SessionEnd: [ours] },
    });
    const again = planHooks(next, '/opt/my tools/claude-otel');
    expect(again.changes).toEqual([]);
    expect(again.next).toBe(next);
    // An earlier install without the timeout is brought up to date.
    const older = { hooks: { Stop: [{ hooks: [{ type: 'command', command: ours.hooks[0]!.command }] }] } };
    const updated = planHooks(older, '/opt/my tools/claude-otel');
    expect(updated.changes.map((c) => c.key)).toEqual(['hooks.SessionEnd', 'hooks.Stop']);
    expect(updated.next.hooks).toEqual({ Stop: [ours], SessionEnd: [ours] });
  });
});

describe('session-scoped import', () => {
  it('reads the main transcript at Stop, the subagents too at SessionEnd', () => {
    const stop = sessionFiles(env, { event: 'Stop', sessionId: SESSION, transcriptPath: TRANSCRIPT });
    const end = sessionFiles(env, { event: 'SessionEnd', sessionId: SESSION, transcriptPath: TRANSCRIPT });
    expect(stop).toEqual([TRANSCRIPT]);
    expect(end).toHaveLength(2);
    expect(end[1]).toMatch(/subagents\/agent-.*\.jsonl$/);
  });

  it('waits for the import lock and never imports while another recorder holds it', async () => {
    const r = { event: 'SessionEnd' as const, sessionId: SESSION, transcriptPath: TRANSCRIPT };
    const held = await acquireFileLock(importLockPath(env), Date.now() + 1000);
    expect(held).toBeDefined();
    expect(await importSession(env, r, 300)).toBeUndefined();
    expect(readLedger({ env }).runs).toHaveLength(0);
    expect(readHookProblems(env).join('\n')).toContain('import lock busy');
    held!.release();
    const first = await importSession(env, r, 300);
    expect(first!.records).toBeGreaterThan(0);
    const second = await importSession(env, r, 300);
    expect(second!.records).toBe(0);
    const runs = readLedger({ env }).runs;
    expect(runs.every((x) => x.operation === 'hook')).toBe(true);
    expect(runs.flatMap((x) => x.message_ids).length).toBe(first!.messages);
  });

  it('Stop records the main thread so far, SessionEnd adds the subagents: the same total as one end', async () => {
    const tokens = (e: NodeJS.ProcessEnv) =>
      readLedger({ env: e }).runs.reduce(
        (n, x) => n + Object.values(x.models).reduce((m, u) => m + u.total, 0),
        0,
      );
    const stop = await importSession(env, { event: 'Stop', sessionId: SESSION, transcriptPath: TRANSCRIPT });
    expect(stop!.files).toBe(1);
    expect(readLedger({ env }).runs.every((x) => x.turns.every((t) => !t.subagent))).toBe(true);
    const end = await importSession(env, {
      event: 'SessionEnd',
      sessionId: SESSION,
      transcriptPath: TRANSCRIPT,
    });
    expect(end!.known).toBe(stop!.messages);
    expect(end!.records).toBeGreaterThan(0);
    const once = { ...env, CLAUDE_OTEL_HOME: path.join(dir, 'once') };
    await importSession(once, { event: 'SessionEnd', sessionId: SESSION, transcriptPath: TRANSCRIPT });
    expect(tokens(env)).toBe(tokens(once));
    expect(tokens(env)).toBeGreaterThan(0);
  });

  it("in team mode carries the identity from the session's env, the project from its directory", async () => {
    const team = {
      ...env,
      OTEL_RESOURCE_ATTRIBUTES: 'team=data,user=u-0123456789ab',
      CLAUDE_OTEL_USER_PSEUDONYMIZE: '1',
    };
    await importSession(team, { event: 'SessionEnd', sessionId: SESSION, transcriptPath: TRANSCRIPT });
    const runs = readLedger({ env }).runs;
    expect(runs.length).toBeGreaterThan(0);
    // The pseudonym `setup` wrote is kept as it is; the session's directory is not a repository.
    for (const r of runs)
      expect(r.identity).toEqual({ team: 'data', user: 'u-0123456789ab', project: 'cc-cwd-eyvH9l' });
  });

  it('a bad team-mode value is logged and the session recorded without identity', async () => {
    const bad = { ...env, CLAUDE_OTEL_TEAM: 'da\nta' };
    await importSession(bad, { event: 'SessionEnd', sessionId: SESSION, transcriptPath: TRANSCRIPT });
    const runs = readLedger({ env }).runs;
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((r) => r.identity === undefined)).toBe(true);
    expect(readHookProblems(env).join('\n')).toContain('CLAUDE_OTEL_TEAM contains a control character');
  });

  it('carries the CI run it belongs to', async () => {
    const ci = { ...env, GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '1', GITHUB_REPOSITORY: 'o/r' };
    await importSession(ci, { event: 'SessionEnd', sessionId: SESSION, transcriptPath: TRANSCRIPT });
    const runs = readLedger({ env }).runs;
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((x) => x.ci?.run_id === '77' && x.ci.repository === 'o/r')).toBe(true);
  });
});
