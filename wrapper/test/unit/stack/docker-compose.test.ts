// `stack --docker` checks for the compose plugin first: a docker without it (which reads
// `compose -f` as its own flags and prints its whole usage, exit 125), or no docker at all, is one
// line and exit 1; with it, the compose command runs as before. A fake `docker` on PATH.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerStack } from '../../../src/cli/stack.js';
import { runCommand } from '../gate/run-command.js';

const LINE =
  'claude-otel: docker compose is not available (install Docker Compose v2, or use the native stack without --docker)';

// What a docker CLI without the compose plugin does with `docker compose ...`.
const PLUGINLESS = `#!/bin/sh
echo "unknown shorthand flag: 'f' in -f" >&2
echo "See 'docker --help'." >&2
echo "" >&2
echo "Usage:  docker [OPTIONS] COMMAND" >&2
exit 125
`;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-docker-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function fakeDocker(script: string): NodeJS.ProcessEnv {
  fs.writeFileSync(path.join(dir, 'docker'), script, { mode: 0o755 });
  return { PATH: `${dir}:/usr/bin:/bin` };
}

describe('stack --docker', () => {
  it('without the compose plugin: one line, exit 1, docker usage not shown', async () => {
    for (const action of ['status', 'up', 'down']) {
      const r = await runCommand(registerStack, ['stack', action, '--docker'], fakeDocker(PLUGINLESS));
      expect(r.code, action).toBe(1);
      expect(r.stderr.trim().split('\n'), action).toEqual([LINE]);
      expect(r.stdout).toBe('');
    }
  });

  it('without docker on PATH: the same line', async () => {
    const r = await runCommand(registerStack, ['stack', 'status', '--docker'], { PATH: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([LINE]);
  });

  it('with the plugin: runs docker compose -f <file> ps and keeps its exit code', async () => {
    const log = path.join(dir, 'calls');
    const env = fakeDocker(`#!/bin/sh\necho "$*" >> '${log}'\n[ "$2" = version ] && exit 0\nexit 3\n`);
    const r = await runCommand(registerStack, ['stack', 'status', '--docker'], env);
    expect(r.code).toBe(3);
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(calls[0]).toBe('compose version');
    expect(calls[1]).toMatch(/^compose -f \S+docker-compose\.yml ps$/);
  });
});
