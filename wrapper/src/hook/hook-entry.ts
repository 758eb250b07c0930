// `claude-otel hook`: what Claude Code's SessionEnd and Stop hooks run. It must never hurt the
// session: it reads the hook's JSON on stdin, leaves a session the wrapper records itself alone,
// starts the recording as a detached `claude-otel hook --record` and returns at once; it prints
// nothing, always exits 0, and logs its problems (hook-log.ts). Bundled alone as bundle/hook.cjs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dataHome } from '../config/paths.js';
import { WRAPPED_ENV } from '../config/wrapped-env.js';
import { readStdin } from '../read-stdin.js';
import { logHookDebug, logHookProblem } from './hook-log.js';
import { markRecording, unmarkRecording } from './in-flight.js';

/** The hook events that record (others are ignored). */
export const RECORDING_EVENTS = ['SessionEnd', 'Stop'] as const;
export type RecordingEvent = (typeof RECORDING_EVENTS)[number];
const STDIN_TIMEOUT_MS = 2000;

export interface HookPayload {
  session_id: string;
  transcript_path: string | undefined;
  cwd: string | undefined;
  event: RecordingEvent;
}

/** The fields the recording needs, or a reason to do nothing. Never throws. */
export function parseHookPayload(input: string): HookPayload | string {
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    return `hook input is not JSON (${input.length} bytes)`;
  }
  if (typeof value !== 'object' || value === null) return 'hook input is not a JSON object';
  const v = value as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' && x !== '' ? x : undefined);
  const sessionId = str(v.session_id);
  const event = str(v.hook_event_name);
  if (!sessionId || !/^[\w-]+$/.test(sessionId)) return 'hook input has no valid session_id';
  if (!RECORDING_EVENTS.includes(event as RecordingEvent)) return `ignored hook event ${String(event)}`;
  return {
    session_id: sessionId,
    transcript_path: str(v.transcript_path),
    cwd: str(v.cwd),
    event: event as RecordingEvent,
  };
}

/**
 * Whether the wrapper (`swarm`/`run`) records this session itself: its Claude Code child runs the
 * user's hooks with WRAPPED_ENV set. A `claude` started by that session's tools inherits the
 * variable but has a session of its own: the wrapper's running marker names the wrapped session.
 */
export function isWrappedSession(env: NodeJS.ProcessEnv, sessionId: string): boolean {
  const runId = env[WRAPPED_ENV];
  if (!runId) return false;
  if (!/^[\w-]+$/.test(runId)) return true;
  try {
    const file = path.join(dataHome(env), 'running', `${runId}.json`);
    const marker = JSON.parse(fs.readFileSync(file, 'utf8')) as { session_id?: unknown };
    if (typeof marker.session_id === 'string' && marker.session_id !== sessionId) return false;
  } catch {
    // No marker (already recorded) or not readable: the wrapper has it.
  }
  return true;
}

/** The detached recorder's arguments. */
export function recordArgs(p: HookPayload, marker?: string): string[] {
  const args = ['hook', '--record', '--event', p.event, '--session', p.session_id];
  if (marker) args.push('--marker', marker);
  if (p.transcript_path) args.push('--transcript', p.transcript_path);
  if (p.cwd) args.push('--cwd', p.cwd);
  return args;
}

/** Handles one hook call; returns when the recorder is started (or nothing is to be done). */
export function handleHook(input: string, env: NodeJS.ProcessEnv, launcher: string): void {
  try {
    const payload = parseHookPayload(input);
    if (typeof payload === 'string') {
      if (!payload.startsWith('ignored')) logHookProblem(env, payload);
      return;
    }
    if (isWrappedSession(env, payload.session_id)) {
      logHookDebug(env, `${payload.event} ${payload.session_id}: left to the wrapper (${env[WRAPPED_ENV]})`);
      return;
    }
    const marker = markRecording(env, payload.session_id);
    const child = spawn(process.execPath, [launcher, ...recordArgs(payload, marker)], {
      detached: true,
      stdio: 'ignore',
      env,
      cwd: payload.cwd && fs.existsSync(payload.cwd) ? payload.cwd : undefined,
    });
    child.on('error', (error) => {
      unmarkRecording(env, marker);
      logHookProblem(env, `cannot start the recorder: ${error.message}`);
    });
    child.unref();
  } catch (error) {
    logHookProblem(env, `hook failed: ${(error as Error).message}`);
  }
}

/** The launcher's entry (bundle/hook.cjs); always 0. */
export async function main(): Promise<number> {
  const input = await readStdin(STDIN_TIMEOUT_MS);
  handleHook(input, process.env, path.resolve(process.argv[1] ?? 'claude-otel'));
  process.stdin.destroy();
  return 0;
}
