// The real Claude Code, run interactively under a pseudo-terminal against the scripted endpoint,
// shows the status line that `setup --statusline` installed: our line appears on its screen.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_BIN, makeSandbox, runCli, type Sandbox } from '../support/cli.js';
import { childPids, isRunning } from '../support/processes.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';
import { waitFor } from '../support/wait-for.js';

let api: ScriptedApi;
let s: Sandbox;
beforeAll(async () => {
  api = await startScriptedApi();
  s = makeSandbox(api.url);
});
afterAll(async () => {
  await api?.close();
  s?.cleanup();
});

describe('status line in Claude Code', () => {
  it('is rendered by the real claude after setup --statusline', async () => {
    const setup = await runCli(['setup', '--statusline', '--scope', 'user', '--yes'], s);
    expect(setup.code, setup.stderr).toBe(0);
    const key = s.env.ANTHROPIC_API_KEY ?? '';
    // Skip the first-run screens: onboarding, folder trust, the API key prompt.
    fs.writeFileSync(
      path.join(s.home, '.claude.json'),
      JSON.stringify({
        hasCompletedOnboarding: true,
        theme: 'dark',
        customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] },
        projects: { [s.workdir]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
      }),
    );
    const child = spawn('script', ['-qfec', `${CLAUDE_BIN} --model claude-sonnet-4-5`, '/dev/null'], {
      cwd: s.workdir,
      env: { ...s.env, TERM: 'xterm-256color', COLUMNS: '160', LINES: '40' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.on('data', (c: Buffer) => {
      screen += c.toString('utf8');
    });
    try {
      // Claude Code draws with cursor movement: compare without escape sequences and spaces.
      const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');
      const plain = () => screen.replace(ansi, '').replace(/\s+/g, '');
      // (Claude Code redraws only what changed, so a letter here and there may be missing.)
      const ours = () => /\$0\.00session\|\$0\.00to\w*\|\$0\.00\/h/.test(plain());
      await waitFor(ours, {
        timeoutMs: 60_000,
        what: 'our status line on the Claude Code screen',
      }).catch((error: Error) => {
        throw new Error(`${error.message}; screen: ${plain().slice(-1500)}`);
      });
      expect(plain()).not.toContain('claude-otel:nostatus');
    } finally {
      // Kill Claude Code itself (script's child, in its own session) before the sandbox goes:
      // killing only `script` leaves it writing into the sandbox for a moment.
      const tree = child.pid ? childPids(child.pid) : [];
      for (const p of tree) for (const c of childPids(p.pid)) tree.push(c);
      for (const p of [...tree].reverse()) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      child.kill('SIGKILL');
      await waitFor(() => tree.every((p) => !isRunning(p.pid)), {
        timeoutMs: 10_000,
        what: 'claude under script to exit',
      });
    }
  });
});
