// "One home per contract": constants that name a contract are defined in one module, and their
// values are written nowhere else in the source (a second copy is how the drift started).
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

const HOMES: [name: string, literal: string, home: string][] = [
  ['DEFAULT_OTLP_ENDPOINT', "'http://localhost:4317'", 'wrapper/src/export/config.ts'],
  ['SYNTHETIC_MODEL', "'<synthetic>'", 'wrapper/src/stream/schema.ts'],
  ['PROMETHEUS_SERIES', "'openai_tokens_total'", 'wrapper/src/export/metric-points.ts'],
];

describe('one home per contract constant', () => {
  it.each(HOMES)('%s is defined once, in its home, and its value is not repeated', (name, literal, home) => {
    expect(sources.length).toBeGreaterThan(50);
    const defining = sources.filter((s) => new RegExp(`\\bconst ${name}\\b`).test(s.text)).map((s) => s.file);
    expect(defining).toEqual([home]);
    const withValue = sources.filter((s) => s.text.includes(literal)).map((s) => s.file);
    expect(withValue).toEqual([home]);
  });
});
