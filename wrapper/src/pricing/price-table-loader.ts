// Loading the price table off the start-up path: the zod schema that checks a price file takes
// milliseconds to load, which a wrapped run should only pay for before Claude Code starts when
// there is a user file to check.
import fs from 'node:fs';
import type { PriceTable } from './price-schema.js';
import { userPriceFile } from './user-price-file.js';

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
