// A full id or a unique prefix of one: how `show` takes run ids and `cost` session ids.
import { ClaudeOtelError, EXIT } from '../errors.js';

/**
 * The id `given` names among `ids` (trimmed; exact, else the one id it prefixes), or undefined
 * when none matches. Empty (every id starts with "") or ambiguous is a usage error with `hint`.
 */
export function matchIdPrefix(
  ids: Iterable<string>,
  given: string,
  noun: 'run' | 'session',
  hint: string,
): string | undefined {
  const ref = given.trim();
  if (ref === '') throw new ClaudeOtelError(`the ${noun} id is empty`, { hint, exitCode: EXIT.usage });
  const all = new Set(ids);
  if (all.has(ref)) return ref;
  const matches = [...all].filter((id) => id.startsWith(ref));
  if (matches.length > 1)
    throw new ClaudeOtelError(`'${ref}' matches ${matches.length} ${noun}s`, { hint, exitCode: EXIT.usage });
  return matches[0];
}
