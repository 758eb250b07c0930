// What live export adds to a long session: the same scripted many-turn session through the real
// CLI and a real collector, live export on and off, in interleaved pairs in the same run. The
// session stands for an hour of work (TURNS turns, one every 30 s); the live interval is scaled so
// it makes as many live steps as an hour at the default 5 s would (720).
import { DEFAULT_LIVE_INTERVAL_MS } from '../src/export/config.js';
import { CLI, makeSandbox } from '../test/support/cli.js';
import { startCollector } from '../test/support/collector.js';
import { startScriptedApi } from '../test/support/scripted-api/server.js';
import { timed } from './process-bench.js';
import { type BenchResult, median } from './result.js';

const TURNS = 120;
const HOUR_MS = 3_600_000;
/** Live steps an hour-long run makes at the default interval. */
const HOUR_STEPS = HOUR_MS / DEFAULT_LIVE_INTERVAL_MS;
/** Target for the wall-time ratio: live export must not slow the run it wraps (CPU is reported). */
export const LIVE_RATIO_TARGET = 1.05;

export async function benchLive(pairs = 3): Promise<BenchResult[]> {
  const api = await startScriptedApi();
  const collector = await startCollector();
  const sandbox = makeSandbox(api.url, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.grpcEndpoint });
  let n = 0;
  const session = async (interval: string) => {
    const prompt = `hour [[scenario:tools turns=${TURNS} tag=live${n++} in=900 out=80 cr=2000]]`;
    const r = await timed(
      process.execPath,
      [CLI, 'swarm', prompt, '--quiet', '--live-interval', interval, '--', '--model', 'claude-sonnet-4-5'],
      sandbox.env,
      sandbox.workdir,
    );
    if (r.code !== 0) throw new Error(`bench session exited ${r.code}`);
    return r;
  };
  try {
    // Warm-up, and the session's length: the interval that gives an hour's worth of live steps.
    const warm = await session('off');
    const intervalMs = Math.max(10, Math.round(warm.wallMs / HOUR_STEPS));
    const interval = `${intervalMs}ms`;
    const cpu: number[] = [];
    const wall: number[] = [];
    const offCpu: number[] = [];
    const onCpu: number[] = [];
    const offWall: number[] = [];
    for (let i = 0; i < pairs; i++) {
      // Alternating order, so neither side always runs first.
      const [a, b] = i % 2 === 0 ? ['off', interval] : [interval, 'off'];
      const first = await session(a!);
      const second = await session(b!);
      const [off, on] = i % 2 === 0 ? [first, second] : [second, first];
      cpu.push(on.cpuMs / off.cpuMs);
      wall.push(on.wallMs / off.wallMs);
      offCpu.push(off.cpuMs);
      onCpu.push(on.cpuMs);
      offWall.push(off.wallMs);
    }
    const row = (name: string, value: number, unit: string): BenchResult => ({
      name,
      value,
      unit,
      target: '-',
      ok: true,
    });
    const cpuRatio = median(cpu);
    const wallRatio = median(wall);
    return [
      {
        name: `live export vs export at the end only, ${TURNS}-turn session (an hour at a turn per 30 s), live step every ${interval} (${HOUR_STEPS} steps per session): median CPU ratio, whole process tree (${pairs} pairs)`,
        value: cpuRatio,
        unit: 'x',
        target: '-',
        ok: true,
      },
      {
        name: '  median wall-time ratio',
        value: wallRatio,
        unit: 'x',
        target: `<= ${LIVE_RATIO_TARGET}`,
        ok: wallRatio <= LIVE_RATIO_TARGET,
      },
      row(
        '  CPU live export adds per session (median of pairs)',
        median(onCpu.map((c, i) => c - offCpu[i]!)),
        'ms',
      ),
      row('  export at the end only: median CPU (user + sys)', median(offCpu), 'ms'),
      row('  live export: median CPU (user + sys)', median(onCpu), 'ms'),
      row('  export at the end only: median wall', median(offWall), 'ms'),
    ];
  } finally {
    await api.close();
    await collector.close();
    sandbox.cleanup();
  }
}
