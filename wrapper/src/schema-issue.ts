// One schema issue as words, for the messages that reach a user. zod/mini loads no locale, so an
// issue's own message is a bare "Invalid input" (or English, if some command loaded classic zod):
// the text is built from the issue's fields instead, in the words of zod's English locale.
import { type core, util } from 'zod/mini';

const SIZE_UNITS: Record<string, string> = {
  string: 'characters',
  file: 'bytes',
  array: 'items',
  set: 'items',
  map: 'entries',
};

/**
 * What is wrong, without where (the caller has the path). Says what was received when the parse
 * kept the input (`{ reportInput: true }`).
 */
export function describeIssue(issue: core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const received = 'input' in issue ? `, received ${util.parsedType(issue.input)}` : '';
      return `Invalid input: expected ${issue.expected}${received}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `Invalid input: expected ${util.stringifyPrimitive(issue.values[0])}`
        : `Invalid option: expected one of ${util.joinValues(issue.values, '|')}`;
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? issue.minimum : issue.maximum;
      const adj = issue.exact ? 'exactly ' : `${small ? '>' : '<'}${issue.inclusive ? '=' : ''}`;
      const unit = SIZE_UNITS[issue.origin];
      const expected = unit ? `to have ${adj}${bound} ${unit}` : `to be ${adj}${bound}`;
      return `${small ? 'Too small' : 'Too big'}: expected ${issue.origin} ${expected}`;
    }
    case 'invalid_format':
      return `Invalid ${issue.format === 'datetime' ? 'ISO datetime' : issue.format}`;
    case 'not_multiple_of':
      return `Invalid number: must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return `Unrecognized key${issue.keys.length > 1 ? 's' : ''}: ${util.joinValues(issue.keys, ', ')}`;
    case 'invalid_key':
      return `Invalid key in ${issue.origin}`;
    case 'invalid_element':
      return `Invalid value in ${issue.origin}`;
    case 'invalid_union':
      if (issue.inclusive === false) return 'Invalid input: more than one option matched';
      return issue.options?.length
        ? `Invalid discriminator value. Expected ${issue.options.map((o) => `'${String(o)}'`).join(' | ')}`
        : 'Invalid input: matches none of the allowed shapes';
    default:
      return issue.message;
  }
}
