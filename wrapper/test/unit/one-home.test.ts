// "One home per contract": constants that name a contract are defined in one module, and their
// values are written nowhere else in the source (a second copy is how the drift started). The same
// goes for the dollar formatters: a second `$${n.toFixed(..)}` is a second formatUsd.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const sources = ['wrapper/src', 'grafana/src'].flatMap((dir) =>
  fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => {
      const file = path.join(dir, f);
      return { file, text: fs.readFileSync(path.join(ROOT, file), 'utf8') };
    }),
);

/** A dollar sign put before a number in code: `$${n.toFixed(2)}`, '$' + n.toFixed(2), Intl's USD. */
const DOLLAR_FORMATTER = /\$(\$\{|'\s*\+|"\s*\+)[^\n;]*toFixed\(|currency:\s*['"]USD['"]|'<\$0\.01'/;
/** The ledger's month-file name as a pattern: runs-\d{4}-\d{2} (or runs-[0-9]{4}...). */
const MONTH_FILE_PATTERN = /runs-(\\d|\[0-9\])/;

// [name, what a copy of its value looks like, home]: `name` may be defined (const or function)
// only in `home`, and only `home` may contain the value.
const HOMES: [name: string, value: string | RegExp, home: string][] = [
  // Unquoted: a help text or a hint that writes the default out is a copy too.
  ['DEFAULT_OTLP_ENDPOINT', 'localhost:4317', 'wrapper/src/export/config.ts'],
  ['SYNTHETIC_MODEL', "'<synthetic>'", 'wrapper/src/stream/schema.ts'],
  ['PROMETHEUS_SERIES', "'openai_tokens_total'", 'wrapper/src/export/metric-points.ts'],
  ['formatUsd', DOLLAR_FORMATTER, 'wrapper/src/format/usd.ts'],
  ['MONTH_FILE', MONTH_FILE_PATTERN, 'wrapper/src/ledger/store.ts'],
];

const holds = (text: string, value: string | RegExp) =>
  typeof value === 'string' ? text.includes(value) : value.test(text);

describe('one home per contract constant', () => {
  it.each(HOMES)('%s is defined once, in its home, and its value is not repeated', (name, value, home) => {
    expect(sources.length).toBeGreaterThan(50);
    const defining = sources
      .filter((s) => new RegExp(`\\b(const|function) ${name}\\b`).test(s.text))
      .map((s) => s.file);
    expect(defining).toEqual([home]);
    const withValue = sources.filter((s) => holds(s.text, value)).map((s) => s.file);
    expect(withValue).toEqual([home]);
  });

  it.each([
    ['const usd = (n: number) => `$${n.toFixed(2)}`;'],
    ["return '$' + usd.toFixed(2);"],
    ["if (usd < 0.005) return '<$0.01';"],
    ["new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' })"],
  ])('a dollar formatter is recognised: %s', (code) => {
    expect(DOLLAR_FORMATTER.test(code)).toBe(true);
  });

  it.each([['/^runs-\\d{4}-\\d{2}\\.jsonl$/'], ['/^runs-[0-9]{4}-[0-9]{2}\\.jsonl$/']])(
    'a month-file pattern is recognised: %s',
    (code) => {
      expect(MONTH_FILE_PATTERN.test(code)).toBe(true);
    },
  );
});
