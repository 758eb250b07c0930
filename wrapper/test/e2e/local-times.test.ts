// End-to-end: times shown to people are local. The CLI runs in America/New_York (tests otherwise
// run in UTC) after a real swarm against the scripted endpoint: report heads its table with the
// local day, show gives the local start time without milliseconds, and JSON keeps ISO 8601.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, runCli, type Sandbox } from '../support/cli.js';
import { type ScriptedApi, startScriptedApi } from '../support/scripted-api/server.js';

const ZONE = 'America/New_York';
let api: ScriptedApi;
let s: Sandbox;

// sv-SE writes dates and times the way the CLI shows them: 2026-11-26 09:40:12.
const inZone = (d: Date, time: boolean) =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    ...(time ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false } : {}),
  }).format(d);

beforeAll(async () => {
  api = await startScriptedApi();
  s = makeSandbox(api.url, { TZ: ZONE, CLAUDE_OTEL_EXPORT: 'off' });
});

afterAll(async () => {
  await api.close();
  s.cleanup();
});

describe('times shown in the local time zone', () => {
  it('report, show: local day and clock time; --json: ISO', async () => {
    const swarm = await runCli(
      ['swarm', 'tz [[scenario:hello tag=tz]]', '--json', '--', '--model', 'claude-sonnet-4-5'],
      s,
    );
    expect(swarm.code, swarm.stderr).toBe(0);
    const runId = (JSON.parse(swarm.stdout) as { runs: { run_id: string }[] }).runs[0]!.run_id;

    const report = await runCli(['report'], s);
    expect(report.code, report.stderr).toBe(0);
    const today = inZone(new Date(), false);
    expect(report.stdout.split('\n')[0]).toBe(`Usage ${today}`);

    const json = JSON.parse((await runCli(['report', '--json'], s)).stdout) as {
      window: { since: string; until: string };
    };
    // Local midnight in New York, as an ISO instant.
    expect(json.window.since).toMatch(/^\d{4}-\d{2}-\d{2}T0[45]:00:00\.000Z$/);
    expect(inZone(new Date(json.window.since), true)).toBe(`${today} 00:00:00`);

    const show = await runCli(['show', runId, '--json'], s);
    const started = (JSON.parse(show.stdout) as { run: { started_at: string } }).run.started_at;
    const text = await runCli(['show', runId], s);
    expect(text.code, text.stderr).toBe(0);
    const line = text.stdout.split('\n').find((l) => l.startsWith('started'));
    expect(line).toMatch(new RegExp(`^started    ${inZone(new Date(started), true)}  \\(`));
    expect(text.stdout).not.toContain(started);

    // gate's verdict line names its window in local time; its --json keeps ISO.
    const gate = await runCli(['gate', '--max-usd', '100', '--scope', 'since:today', '--json'], s);
    expect(gate.code, gate.stderr).toBe(0);
    expect(gate.stderr).toContain(`within budget: since ${today} 00:00:00: `);
    expect((JSON.parse(gate.stdout) as { scope: string }).scope).toBe(`since ${json.window.since}`);
  }, 120_000);
});
