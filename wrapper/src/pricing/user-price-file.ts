// Which price file a user has put in place, and loading the price table off the start-up path:
// the zod schema that checks a price file takes milliseconds to load, which a wrapped run should
// only pay for before Claude Code starts when there is a user file to check.
import fs from 'node:fs';
import path from 'node:path';
import { dataHome } from '../config/paths.js';
import type { PriceTable } from './price-table.js';

/** The price file a user may put in place: --prices, $CLAUDE_OTEL_PRICES, or <data home>/prices.json. */
export function userPriceFile(
  env: NodeJS.ProcessEnv,
  explicit?: string,
): { file: string; required: boolean } {
  if (explicit) return { file: path.resolve(explicit), required: true };
  if (env.CLAUDE_OTEL_PRICES) return { file: path.resolve(env.CLAUDE_OTEL_PRICES), required: true };
  return { file: path.join(dataHome(env), 'prices.json'), required: false };
}

/** Loads the price table when first called, once; later calls share the first load. */
export type PriceTableLoader = () => Promise<PriceTable>;

/**
 * The price table's loader for a run. A user's price file is read and checked before this
 * resolves, so its errors come before any money is spent; the built-in table is loaded only when
 * first asked for (after Claude Code is spawned: the first dynamic import also starts Node's ESM
 * loader, which costs milliseconds of its own).
 */
export async function priceTableLoader(env: NodeJS.ProcessEnv, explicit?: string): Promise<PriceTableLoader> {
  let loading: Promise<PriceTable> | undefined;
  const load = () => {
    loading ??= import('./price-table.js').then((m) => m.loadPriceTable(env, explicit));
    return loading;
  };
  const { file, required } = userPriceFile(env, explicit);
  if (required || fs.existsSync(file)) await load();
  return load;
}
