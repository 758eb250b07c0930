// describeIssue speaks for zod/mini, which loads no locale: its words must stay those of classic
// zod's English messages (what users saw before the run path moved to zod/mini).

import { describe, expect, it } from 'vitest';
import * as classic from 'zod';
import * as z from 'zod/mini';
import { describeIssue } from '../../src/schema-issue.js';

const cases: [string, z.ZodMiniType, classic.ZodType, unknown][] = [
  ['wrong type', z.number(), classic.number(), '3'],
  [
    'missing',
    z.object({ a: z.array(z.string()) }),
    classic.object({ a: classic.array(classic.string()) }),
    {},
  ],
  ['null', z.string(), classic.string(), null],
  ['array for object', z.object({}), classic.object({}), [1]],
  ['negative', z.number().check(z.nonnegative()), classic.number().nonnegative(), -1],
  ['not positive', z.number().check(z.positive()), classic.number().positive(), 0],
  ['not an integer', z.number().check(z.int()), classic.number().int(), 1.5],
  ['empty string', z.string().check(z.minLength(1)), classic.string().min(1), ''],
  ['long string', z.string().check(z.maxLength(2)), classic.string().max(2), 'abc'],
  ['short array', z.array(z.number()).check(z.minLength(2)), classic.array(classic.number()).min(2), [1]],
  ['literal', z.literal('run'), classic.literal('run'), 'export'],
  ['enum', z.enum(['a', 'b']), classic.enum(['a', 'b']), 'c'],
  ['datetime', z.iso.datetime({ offset: true }), classic.string().datetime({ offset: true }), '2025-01-02'],
  ['strict key', z.strictObject({}), classic.strictObject({}), { x: 1, y: 2 }],
  [
    'discriminator',
    z.discriminatedUnion('kind', [z.object({ kind: z.literal('a') }), z.object({ kind: z.literal('b') })]),
    classic.discriminatedUnion('kind', [
      classic.object({ kind: classic.literal('a') }),
      classic.object({ kind: classic.literal('b') }),
    ]),
    { kind: 'c' },
  ],
];

describe('describeIssue', () => {
  it.each(cases)('%s: the words of zod’s English locale', (_name, mini, full, input) => {
    const ours = mini.safeParse(input, { reportInput: true });
    const theirs = full.safeParse(input);
    expect(ours.success).toBe(false);
    expect(theirs.success).toBe(false);
    const issue = ours.error!.issues[0]!;
    expect(describeIssue(issue)).toBe(theirs.error!.issues[0]!.message);
  });

  it('leaves out what was received when the parse did not keep the input', () => {
    const issue = z.number().safeParse('3').error!.issues[0]!;
    expect(describeIssue(issue)).toBe('Invalid input: expected number');
  });
});
