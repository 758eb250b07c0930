// `claude-otel doctor` for the native team tier: when `stack up --team` has started it on this
// machine, one check saying which of its processes run and answer their health check.
import fs from 'node:fs';
import path from 'node:path';
import type { Check } from './doctor-check.js';
import { type TeamService, teamDir, teamStatus } from './native-team-stack.js';

/** Undefined when the team tier was never started here or was stopped (no pid files left). */
export async function checkTeamStack(env: NodeJS.ProcessEnv): Promise<Check | undefined> {
  const dir = teamDir(env);
  let started = false;
  try {
    started = fs.readdirSync(dir).some((f) => f.endsWith('.pid'));
  } catch {
    return undefined;
  }
  if (!started) return undefined;
  return teamCheck(await teamStatus(env), dir);
}

export function teamCheck(services: TeamService[], dir: string): Check {
  const bad = services.filter((s) => !(s.running && s.healthy));
  const state = (s: TeamService) => (s.running ? 'running, not healthy' : 'stopped');
  if (bad.length === 0)
    return {
      name: 'team stack',
      ok: true,
      detail: `${services.length} processes healthy: ${services.map((s) => s.name).join(', ')}`,
    };
  return {
    name: 'team stack',
    ok: false,
    detail: `${bad.length} of ${services.length} not healthy: ${bad.map((s) => `${s.name} (${state(s)})`).join(', ')}`,
    fix: `read ${path.join(dir, `${bad[0]?.name}.log`)}, then claude-otel stack up --team (restarts the tier)`,
  };
}
