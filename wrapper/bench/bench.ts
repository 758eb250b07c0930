// `npm run bench`: every benchmark of the project, each printed with its target and the baseline
// measured in the same run. Exits non-zero when a target is missed.
import { coreSuites, type Suite } from './core-suites.js';
import type { BenchResult } from './result.js';

async function optional(modulePath: string, exportName: string): Promise<Suite['run'] | undefined> {
  try {
    const mod = (await import(modulePath)) as Record<string, () => Promise<BenchResult[]>>;
    return mod[exportName];
  } catch (error) {
    console.error(`bench: ${modulePath} not loaded: ${(error as Error).message}`);
    return undefined;
  }
}

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  const suites: Suite[] = coreSuites();
  const pipeline = await optional('./pipeline-bench.js', 'benchPipeline');
  if (pipeline) suites.push({ name: 'pipeline', run: pipeline });
  const reports = await optional('./report-bench.js', 'benchReports');
  if (reports) suites.push({ name: 'reports', run: reports });
  const imports = await optional('./import-bench.js', 'benchImport');
  if (imports) suites.push({ name: 'import', run: imports });
  const processCost = await optional('./process-bench.js', 'benchProcess');
  if (processCost) suites.push({ name: 'process', run: processCost });
  const statusline = await optional('./statusline-bench.js', 'benchStatusline');
  if (statusline) suites.push({ name: 'statusline', run: statusline });
  const live = await optional('./live-bench.js', 'benchLive');
  if (live) suites.push({ name: 'live', run: live });
  const hook = await optional('./hook-bench.js', 'benchHook');
  if (hook) suites.push({ name: 'hook', run: hook });
  const team = await optional('./team-bench.js', 'benchTeam');
  if (team) suites.push({ name: 'team', run: team });

  let missed = 0;
  for (const suite of suites) {
    if (only.length > 0 && !only.includes(suite.name)) continue;
    console.log(`\n## ${suite.name}`);
    try {
      for (const r of await suite.run()) {
        if (!r.ok) missed++;
        const value = Number.isInteger(r.value) ? String(r.value) : r.value.toFixed(r.value < 10 ? 3 : 1);
        console.log(
          `${r.ok ? 'ok  ' : 'MISS'} ${r.name}: ${value} ${r.unit}${r.target !== '-' ? ` (target ${r.target})` : ''}`,
        );
      }
    } catch (error) {
      missed++;
      console.log(`FAIL ${suite.name}: ${(error as Error).message}`);
    }
  }
  console.log(missed === 0 ? '\nall targets met' : `\n${missed} target(s) missed`);
  return missed === 0 ? 0 : 1;
}

main().then((code) => {
  process.exitCode = code;
});
