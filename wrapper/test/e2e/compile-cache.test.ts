// The launcher's code cache on Node 20 (wrapper/bin/compile-cache.cjs): a wrapped run writes the
// compiled code of the bundles it loaded, the next run uses it as is (V8 accepts it, so it is not
// rewritten), damaged data is replaced without an error, and CLAUDE_OTEL_COMPILE_CACHE=off or a
// cache directory that cannot be written changes nothing about the run.
import fs from 'node:fs';
import nodeModule from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, runCli, type Sandbox } from '../support/cli.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';

let api: ScriptedApi;
const sandboxes: Sandbox[] = [];

beforeAll(async () => {
  api = await startScriptedApi();
});

afterAll(async () => {
  await api?.close();
  for (const s of sandboxes) s.cleanup();
});

function sandbox(extra: NodeJS.ProcessEnv = {}): Sandbox {
  const s = makeSandbox(api.url, extra);
  sandboxes.push(s);
  return s;
}

const cacheDir = (s: Sandbox) => path.join(s.home, '.cache/claude-otel/compile-cache');
const entries = (s: Sandbox) => (fs.existsSync(cacheDir(s)) ? fs.readdirSync(cacheDir(s)).sort() : []);
const swarm = (s: Sandbox, tag: string) =>
  runCli(['swarm', `cache [[scenario:tools turns=1 tag=${tag}]]`, '--quiet', '--json'], s);

// Node 22+ caches compiled code itself (module.enableCompileCache); the launcher's own cache is
// for the Node versions without it.
const ownCache = !('enableCompileCache' in nodeModule);

describe.runIf(ownCache)('compile cache (Node without module.enableCompileCache)', () => {
  it('a wrapped run writes the bundles it compiled, and the next run uses them unchanged', async () => {
    const s = sandbox();
    const first = await swarm(s, 'c1');
    expect(first.code, first.stderr).toBe(0);
    const written = entries(s);
    expect(written.map((f) => f.replace(/\..*/, ''))).toEqual(['heavy', 'hot']);
    // One entry per bundle of this install: its name carries a tag of the install's directory.
    expect(new Set(written.map((f) => f.replace(/^[a-z]+\.([0-9a-f]{8})-.*$/, '$1'))).size).toBe(1);
    expect(written.every((f) => f.endsWith(`-${process.version}.bin`))).toBe(true);
    const stats = written.map((f) => fs.statSync(path.join(cacheDir(s), f)));
    expect(stats.every((st) => st.size > 10_000)).toBe(true);

    const second = await swarm(s, 'c2');
    expect(second.code, second.stderr).toBe(0);
    // Accepted by V8, so not written again.
    expect(entries(s)).toEqual(written);
    const again = written.map((f) => fs.statSync(path.join(cacheDir(s), f)).mtimeMs);
    expect(again).toEqual(stats.map((st) => st.mtimeMs));
    expect(JSON.parse(second.stdout).runs[0].cost_usd).toBeGreaterThan(0);
  });

  it('damaged cache data is replaced, and the run is unaffected', async () => {
    const s = sandbox();
    expect((await swarm(s, 'd1')).code).toBe(0);
    const [heavy] = entries(s).filter((f) => f.startsWith('heavy.'));
    const file = path.join(cacheDir(s), heavy!);
    const good = fs.readFileSync(file);
    fs.writeFileSync(file, Buffer.alloc(good.length, 7));
    const r = await swarm(s, 'd2');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(fs.readFileSync(file).equals(Buffer.alloc(good.length, 7))).toBe(false);
    expect(entries(s).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('CLAUDE_OTEL_COMPILE_CACHE=off writes nothing; an unwritable cache directory is no error', async () => {
    const off = sandbox({ CLAUDE_OTEL_COMPILE_CACHE: 'off' });
    const r = await swarm(off, 'o1');
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(off.home, '.cache'))).toBe(false);

    const blocked = sandbox();
    // A file where the cache directory would go: it cannot be created.
    fs.writeFileSync(path.join(blocked.home, '.cache'), 'not a directory');
    const b = await swarm(blocked, 'b1');
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toBe('');
    expect(JSON.parse(b.stdout).runs[0].cost_usd).toBeGreaterThan(0);
  });
});
