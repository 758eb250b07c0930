// planPassthrough: a user's own claude arguments, rewritten only when claude-otel must read the
// stream (print mode without stream-json), and otherwise handed over untouched.
import { describe, expect, it } from 'vitest';
import { planPassthrough } from '../../../src/run/passthrough-args.js';

describe('planPassthrough', () => {
  it('leaves an interactive session alone', () => {
    const args = ['--model', 'claude-opus-4-6', 'fix it', '--output-format', 'json'];
    expect(planPassthrough(args)).toEqual({ print: false, format: 'json', args, prompt: 'fix it' });
  });

  it('turns a text print run into a verbose stream-json run', () => {
    expect(planPassthrough(['-p', 'hello', '--model', 'claude-sonnet-4-5'])).toEqual({
      print: true,
      format: 'text',
      args: ['-p', 'hello', '--model', 'claude-sonnet-4-5', '--output-format', 'stream-json', '--verbose'],
      prompt: 'hello',
    });
  });

  it.each([
    [['--print', 'q', '--output-format', 'json'], 'json'],
    [['-p', 'q', '--output-format=json'], 'json'],
    [['-p', 'q', '--output-format', 'text'], 'text'],
    [['-p', 'q', '--output-format', 'xml'], 'text'],
  ])('%j: replaces the chosen format by stream-json and remembers %s', (args, format) => {
    const plan = planPassthrough(args);
    expect(plan.format).toBe(format);
    expect(plan.args.filter((a) => a.startsWith('--output-format'))).toEqual(['--output-format']);
    expect(plan.args.slice(-3)).toEqual(['--output-format', 'stream-json', '--verbose']);
    expect(plan.args).not.toContain(format === 'json' ? 'json' : 'xml');
    expect(plan.prompt).toBe('q');
  });

  it('does not add a second --verbose', () => {
    const plan = planPassthrough(['--verbose', '-p', 'q']);
    expect(plan.args.filter((a) => a === '--verbose')).toHaveLength(1);
    expect(plan.args).toEqual(['--verbose', '-p', 'q', '--output-format', 'stream-json']);
  });

  it('hands a stream-json choice through exactly, even without --verbose', () => {
    const args = ['-p', 'q', '--output-format', 'stream-json'];
    expect(planPassthrough(args)).toEqual({ print: true, format: 'stream-json', args, prompt: 'q' });
  });

  it('does not take a flag value for the prompt', () => {
    const plan = planPassthrough([
      '--model',
      'claude-haiku-4-5',
      '--max-turns',
      '3',
      '--permission-mode',
      'plan',
      '-p',
      'the prompt',
      'extra',
    ]);
    expect(plan.prompt).toBe('the prompt');
    expect(plan.args.slice(0, 9)).toEqual([
      '--model',
      'claude-haiku-4-5',
      '--max-turns',
      '3',
      '--permission-mode',
      'plan',
      '-p',
      'the prompt',
      'extra',
    ]);
  });

  it('has no prompt when none is given (e.g. piped stdin)', () => {
    expect(planPassthrough(['-p', '--model', 'claude-sonnet-4-5']).prompt).toBeUndefined();
  });
});
