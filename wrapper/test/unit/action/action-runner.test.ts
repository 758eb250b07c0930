// The test harness's expression evaluator and command-file reader behave as the GitHub runner's
// do for the forms action.yml and the example workflow use: a harness that is wrong proves nothing.
import { describe, expect, it } from 'vitest';
import { evaluate, expand, parseCommandFile } from '../../support/action-runner.js';

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
