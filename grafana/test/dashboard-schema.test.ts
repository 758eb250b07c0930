// Every generated dashboard validates against Grafana's dashboard schema, each panel's options
// and custom field config against its panel type's schema, each target against the Prometheus
// query schema. Validation runs on the committed JSON, which is what Grafana loads.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { errorsText, type GrafanaSchema, grafanaValidator, ROOT } from './support/schemas.js';

interface Panel {
  type: string;
  title: string;
  options?: unknown;
  fieldConfig?: { defaults?: { custom?: unknown } };
  targets?: unknown[];
  panels?: Panel[];
}

const files = readdirSync(join(ROOT, 'grafana/dashboards')).filter((f) => f.endsWith('.json'));
// The Thanos flavour (grafana/dashboards-thanos) is validated the same way.
const dashboards = ['grafana/dashboards', 'grafana/dashboards-thanos'].flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({
      file: `${dir}/${f}`,
      json: JSON.parse(readFileSync(join(ROOT, dir, f), 'utf8')) as { panels: Panel[] },
    })),
);
const PANEL_TYPES: GrafanaSchema[] = ['stat', 'timeseries', 'bargauge'];

describe('dashboards against the Grafana schemas', () => {
  test('four dashboards are committed', () => {
    expect(files.sort()).toEqual([
      'cache-efficiency.json',
      'claude-code-activity.json',
      'cost-and-tokens.json',
      'teams.json',
    ]);
  });

  test.each(dashboards)('$file validates against dashboard.jsonschema.json', ({ json }) => {
    const validate = grafanaValidator('dashboard');
    expect(validate(json), errorsText(validate)).toBe(true);
  });

  test.each(dashboards)('$file: panel options, field config and targets validate', ({ json }) => {
    const problems: string[] = [];
    for (const p of json.panels.filter((x) => x.type !== 'row')) {
      const type = p.type as GrafanaSchema;
      if (!PANEL_TYPES.includes(type)) {
        problems.push(`${p.title}: unexpected panel type ${p.type}`);
        continue;
      }
      const options = grafanaValidator(type, 'Options');
      if (!options(p.options)) problems.push(`${p.title} options: ${errorsText(options)}`);
      if (type === 'timeseries') {
        const custom = grafanaValidator('timeseries', 'FieldConfig');
        if (!custom(p.fieldConfig?.defaults?.custom))
          problems.push(`${p.title} custom: ${errorsText(custom)}`);
      }
      for (const t of p.targets ?? []) {
        const target = grafanaValidator('prometheus', 'Dataquery');
        if (!target(t)) problems.push(`${p.title} target: ${errorsText(target)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('the schema rejects a broken dashboard (the validator is live)', () => {
    const validate = grafanaValidator('dashboard');
    const broken = { ...dashboards[0]!.json, schemaVersion: 'forty-two' };
    expect(validate(broken)).toBe(false);
    const options = grafanaValidator('stat', 'Options');
    expect(options({ graphMode: 'sideways' })).toBe(false);
  });
});
