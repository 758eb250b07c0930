// `npm run gen`: writes the dashboards, Grafana provisioning and Prometheus rules generated
// from grafana/src. Thresholds: `--thresholds FILE` or $CLAUDE_OTEL_THRESHOLDS (a JSON file).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, OVERRIDE_ENV } from './src/config.js';
import { generateAll } from './src/generate.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { thresholds: { type: 'string' } } });
const overridePath = values.thresholds ?? process.env[OVERRIDE_ENV];

try {
  const cfg = loadConfig(overridePath);
  for (const [rel, content] of generateAll(cfg)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    console.error(`gen: wrote ${rel}`);
  }
} catch (err) {
  console.error(`gen: ${(err as Error).message}`);
  process.exit(2);
}
