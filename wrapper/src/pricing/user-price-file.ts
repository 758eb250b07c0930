// Which price file a user has put in place: --prices, $CLAUDE_OTEL_PRICES, or <data home>/prices.json.
import path from 'node:path';
import { dataHome } from '../config/paths.js';

/** The price file a user may put in place: --prices, $CLAUDE_OTEL_PRICES, or <data home>/prices.json. */
export function userPriceFile(
  env: NodeJS.ProcessEnv,
  explicit?: string,
): { file: string; required: boolean } {
  if (explicit) return { file: path.resolve(explicit), required: true };
  if (env.CLAUDE_OTEL_PRICES) return { file: path.resolve(env.CLAUDE_OTEL_PRICES), required: true };
  return { file: path.join(dataHome(env), 'prices.json'), required: false };
}
