// The price table: loading (built-in, then an optional user file that overrides or adds models,
// checked by price-schema.ts), and model-id resolution. An unknown model resolves to `undefined`,
// never to zero.
import fs from 'node:fs';
import { ClaudeOtelError, EXIT } from '../errors.js';
import { describeIssue } from '../schema-issue.js';
import { type ModelPrice, type PriceTable, type PriceTableInput, priceTableSchema } from './price-schema.js';
import { BUILTIN_PRICE_TABLE } from './price-table-data.js';
import { userPriceFile } from './user-price-file.js';

export type { ModelPrice, PriceTable, PriceTableInput, Rates, Tier } from './price-schema.js';

/** Canonical form of a model id: lower case, no provider prefix/suffix, no context-size tag. */
export function normalizeModelId(model: string): string {
  let id = model.trim().toLowerCase();
  id = id.replace(/\[[^\]]*\]$/, '');
  id = id.replace(/^(?:us|eu|apac|global|jp|au)\./, '').replace(/^anthropic\./, '');
  id = id.replace(/-v\d+(?::\d+)?$/, '').replace(/@(\d{8})$/, '-$1');
  return id;
}

export function buildPriceTable(input: PriceTableInput): PriceTable {
  const table = priceTableSchema.parse(input);
  const byId = new Map<string, ModelPrice>();
  const entries: ModelPrice[] = [];
  for (const model of table.models) {
    const rates = table.tiers[model.tier];
    if (!rates) {
      throw new ClaudeOtelError(`price table: model '${model.id}' names unknown tier '${model.tier}'`, {
        hint: `define tier '${model.tier}' under "tiers"`,
        exitCode: EXIT.usage,
      });
    }
    const entry = { id: model.id, tier: model.tier, rates };
    entries.push(entry);
    for (const key of [model.id, ...model.aliases]) byId.set(normalizeModelId(key), entry);
  }
  return {
    source: table.source,
    date: table.date,
    lookup(model) {
      const id = normalizeModelId(model);
      return byId.get(id) ?? byId.get(id.replace(/-\d{8}$/, ''));
    },
    models: () => [...entries],
  };
}

/** Merges a user table over the built-in one: its tiers and models replace those with the same name. */
export function mergePriceTables(base: PriceTableInput, override: PriceTableInput): PriceTableInput {
  const overridden = new Set(override.models.map((m) => normalizeModelId(m.id)));
  return {
    source: `${override.source}; over ${base.source}`,
    date: override.date,
    tiers: { ...base.tiers, ...override.tiers },
    models: [...base.models.filter((m) => !overridden.has(normalizeModelId(m.id))), ...override.models],
  };
}

export function loadPriceTable(env: NodeJS.ProcessEnv = process.env, explicit?: string): PriceTable {
  const { file, required } = userPriceFile(env, explicit);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!required && (code === 'ENOENT' || code === 'ENOTDIR')) return buildPriceTable(BUILTIN_PRICE_TABLE);
    throw new ClaudeOtelError(`cannot read price file ${file}: ${(error as Error).message}`, {
      hint: 'check the path given by --prices or CLAUDE_OTEL_PRICES',
      exitCode: EXIT.usage,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ClaudeOtelError(`price file ${file} is not valid JSON: ${(error as Error).message}`, {
      hint: 'fix the file or remove it to use the built-in prices',
      exitCode: EXIT.usage,
    });
  }
  // The input is kept in the issue so that the message can say what was found.
  const result = priceTableSchema.safeParse(parsed, { reportInput: true });
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ClaudeOtelError(
      `price file ${file} is invalid at ${issue?.path.join('.') || '(root)'}: ${issue ? describeIssue(issue) : 'bad shape'}`,
      {
        hint: 'it needs "source", "date", "tiers" and "models" like the built-in table',
        exitCode: EXIT.usage,
      },
    );
  }
  return buildPriceTable(mergePriceTables(BUILTIN_PRICE_TABLE, result.data));
}
