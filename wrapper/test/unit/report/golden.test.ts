// Golden outputs of every report format over the committed fixture ledger. Set UPDATE_GOLDEN=1
// to rewrite them after an intended change (and review the diff).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadReportRuns } from '../../../src/ledger/load-runs.js';
import { buildPriceTable } from '../../../src/pricing/price-table.js';
import { BUILTIN_PRICE_TABLE } from '../../../src/pricing/price-table-data.js';
import { buildReport } from '../../../src/report/build-report.js';
import { DIMENSIONS } from '../../../src/report/dimensions.js';
import { FORMATS, renderReport } from '../../../src/report/render.js';
import { resolveWindow } from '../../../src/report/window.js';
import {
  FIXTURE_FILE,
  FIXTURE_HOME,
  fixtureLedgerText,
  generateRuns,
} from '../../fixtures/ledger/generate-ledger.js';
import { parseCsv } from './csv.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const GOLDEN = path.join(here, '../../fixtures/golden');
const SCHEMA = path.join(here, '../../../../docs/report.schema.json');
const EXT = { table: 'txt', json: 'json', csv: 'csv', markdown: 'md' } as const;

function fixtureReport(costAnalysis: boolean) {
  const window = resolveWindow(
    { since: '2026-11-01', until: '2026-11-30' },
    new Date('2026-11-30T12:00:00Z'),
  );
  const { runs, warnings } = loadReportRuns({
    ...window,
    env: { CLAUDE_OTEL_HOME: FIXTURE_HOME },
    withTurns: costAnalysis,
  });
  const table = buildPriceTable(BUILTIN_PRICE_TABLE);
  return buildReport(runs, { window, breakdown: [...DIMENSIONS], costAnalysis, table, warnings });
}

describe('report goldens', () => {
  it('the committed fixture ledger is what the generator makes (regenerate with npm run gen)', () => {
    expect(fs.readFileSync(FIXTURE_FILE, 'utf8')).toBe(fixtureLedgerText());
  });

  for (const format of FORMATS) {
    it(`${format} matches its golden file`, () => {
      const text = renderReport(fixtureReport(true), format);
      const file = path.join(GOLDEN, `report.${EXT[format]}`);
      if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, text);
      expect(text).toBe(fs.readFileSync(file, 'utf8'));
    });
  }

  it('JSON validates against docs/report.schema.json, with and without the cost analysis', () => {
    const ajv = new Ajv({ allErrors: true, validateFormats: false });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
    for (const costAnalysis of [true, false]) {
      const value = JSON.parse(renderReport(fixtureReport(costAnalysis), 'json'));
      expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    }
    const bad = JSON.parse(renderReport(fixtureReport(false), 'json'));
    delete bad.totals.tokens.cache_read;
    expect(validate(bad)).toBe(false);
  });

  it('JSON carries the stored cost; only text, markdown and CSV round it for display', () => {
    const [run] = generateRuns(1, { start: '2026-11-10T08:00:00.000Z' });
    const model = Object.keys(run!.models)[0]!;
    const one = {
      ...run!,
      cost_usd: 0.0107715,
      cost_source: 'claude' as const,
      models: { [model]: { ...run!.models[model]!, cost_usd: 0.0107715, cost_source: 'claude' as const } },
    };
    const window = resolveWindow(
      { since: '2026-11-10', until: '2026-11-10' },
      new Date('2026-11-10T12:00:00Z'),
    );
    const table = buildPriceTable(BUILTIN_PRICE_TABLE);
    const report = buildReport([one], { window, breakdown: ['model', 'day'], costAnalysis: false, table });
    const json = JSON.parse(renderReport(report, 'json'));
    expect(json.totals.cost_usd).toBe(0.0107715);
    expect(json.breakdowns.model[0].cost_usd).toBe(0.0107715);
    expect(json.breakdowns.day[0].cost_usd).toBe(0.0107715);
    expect(parseCsv(renderReport(report, 'csv')).find((r) => r[0] === 'total')![11]).toBe('0.010772');
    expect(renderReport(report, 'table')).toContain('$0.0108');
    expect(renderReport(report, 'markdown')).toContain('$0.0108');
  });

  it('CSV parses back as CSV: one header, same width everywhere, totals equal the JSON', () => {
    const report = fixtureReport(true);
    const rows = parseCsv(renderReport(report, 'csv'));
    const width = rows[0]!.length;
    expect(rows.every((r) => r.length === width)).toBe(true);
    const total = rows.find((r) => r[0] === 'total')!;
    expect(Number(total[2])).toBe(60);
    expect(Number(total[10])).toBe(report.totals.tokens.total);
    expect(Number(total[11])).toBeCloseTo(report.totals.cost_usd, 6);
    const modelRows = rows.filter((r) => r[0] === 'model');
    expect(modelRows.reduce((s, r) => s + Number(r[10]), 0)).toBe(report.totals.tokens.total);
  });
});
