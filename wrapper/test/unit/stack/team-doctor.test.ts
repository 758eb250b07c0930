// doctor's team-tier check: healthy when every process runs and answers, else which do not and
// where to look.
import { describe, expect, it } from 'vitest';
import type { TeamService } from '../../../src/stack/native-team-stack.js';
import { teamCheck } from '../../../src/stack/team-doctor.js';

const svc = (name: string, running: boolean, healthy: boolean): TeamService => ({
  name,
  pid: 1,
  running,
  healthy,
  url: 'http://127.0.0.1:1/',
  log: `/d/${name}.log`,
});

describe('teamCheck', () => {
  it('is ok when all run healthy, and names the ones that do not', () => {
    expect(teamCheck([svc('jaeger', true, true), svc('query', true, true)], '/d')).toEqual({
      name: 'team stack',
      ok: true,
      detail: '2 processes healthy: jaeger, query',
    });
    const bad = teamCheck(
      [svc('jaeger', false, false), svc('query', true, true), svc('scraper', true, false)],
      '/d',
    );
    expect(bad.ok).toBe(false);
    expect(bad.detail).toBe('2 of 3 not healthy: jaeger (stopped), scraper (running, not healthy)');
    expect(bad.fix).toBe('read /d/jaeger.log, then claude-otel stack up --team (restarts the tier)');
  });
});
