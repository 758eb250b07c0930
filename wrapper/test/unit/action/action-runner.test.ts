// The test harness's expression evaluator and command-file reader behave as the GitHub runner's
// do for the forms action.yml and the example workflow use: a harness that is wrong proves nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate, expand, parseCommandFile, runAction } from '../../support/action-runner.js';
import { REPO_ROOT } from '../../support/cli.js';

const ctx: Record<string, string | boolean | null> = {
  'inputs.task': '',
  'inputs.comment': 'True',
  'github.event.inputs.max-usd': null,
  'steps.gate.outputs.cost_usd': '0.25',
  'success()': true,
  'always()': true,
  'failure()': false,
};
const lookup = (name: string) => {
  if (!(name in ctx)) throw new Error(`unknown ${name}`);
  return ctx[name] ?? null;
};

describe('action runner expressions', () => {
  it('evaluates comparisons, defaults and status functions like the runner', () => {
    expect(evaluate("inputs.task != ''", lookup)).toBe(false);
    expect(evaluate("inputs.comment == 'true'", lookup)).toBe(true);
    expect(evaluate("github.event.inputs.max-usd || '2.00'", lookup)).toBe('2.00');
    expect(evaluate("success() && (inputs.task != '')", lookup)).toBe(false);
    expect(evaluate('failure() || always()', lookup)).toBe(true);
    expect(evaluate("!(inputs.task == '')", lookup)).toBe(false);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
    expect(expand('cost ${{ steps.gate.outputs.cost_usd }} USD', lookup)).toBe('cost 0.25 USD');
    expect(() => evaluate('inputs.task ===', lookup)).toThrow();
  });

  it('reads name=value and heredoc entries from GITHUB_OUTPUT', () => {
    expect(parseCommandFile('a=1\nb=x=y\nmulti<<EOF\nline 1\nline 2\nEOF\nc=\n')).toEqual({
      a: '1',
      b: 'x=y',
      multi: 'line 1\nline 2',
      c: '',
    });
  });
});

describe('action runner references', () => {
  const actionYml = fs.readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8');
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  /** Runs a copy of action.yml with `from` replaced by `to` (nothing else copied: no step may run). */
  function runEdited(from: string, to: string) {
    expect(actionYml).toContain(from);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'action-typo-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'action.yml'), actionYml.replace(from, to));
    return runAction({
      actionPath: dir,
      workspace: dir,
      inputs: { 'max-usd': '1', 'claude-code-version': 'preinstalled' },
      env: { PATH: '/usr/bin:/bin', HOME: dir },
      github: { event_name: 'push', run_id: '1', run_attempt: '1', token: 't' },
    });
  }

  it('fails on an input action.yml does not declare, in a step that would not even run', async () => {
    // The gate step's MAX_TOKENS, and the hooks step's condition (skipped in gate mode).
    await expect(runEdited('inputs.max-tokens }}', 'inputs.max-token }}')).rejects.toThrow(
      /action\.yml: 'inputs\.max-token' is not an input action\.yml declares \(mode, max-usd, max-tokens/,
    );
    await expect(runEdited("if: inputs.mode == 'hooks'", "if: inputs.mod == 'hooks'")).rejects.toThrow(
      /'inputs\.mod' is not an input/,
    );
  });

  it('fails on a step id no step has', async () => {
    await expect(runEdited('steps.gate.outputs.tokens }}', 'steps.gates.outputs.tokens }}')).rejects.toThrow(
      /'steps\.gates\.outputs\.tokens': no step of action\.yml has id 'gates' \(gate\)/,
    );
  });
});
