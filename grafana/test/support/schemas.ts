// ajv (draft-07) loaded with the vendored Grafana schemas.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function readJson(rel: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, rel), 'utf8')) as Record<string, unknown>;
}

const GRAFANA_SCHEMAS = ['dashboard', 'alerting', 'stat', 'timeseries', 'bargauge', 'prometheus'] as const;
export type GrafanaSchema = (typeof GRAFANA_SCHEMAS)[number];

let grafanaAjv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/** A validator for `definition` of one vendored Grafana schema, e.g. ('stat', 'Options'). */
export function grafanaValidator(schema: GrafanaSchema, definition?: string): ValidateFunction {
  if (!grafanaAjv) {
    grafanaAjv = new Ajv({ allErrors: true, strict: true });
    // Only dashboard metadata uses it, and the generated dashboards carry no dates.
    grafanaAjv.addFormat('date-time', true);
    // An annotation Grafana's schemas carry for deprecated fields; it constrains nothing.
    grafanaAjv.addKeyword('x-deprecation-message');
    for (const name of GRAFANA_SCHEMAS) {
      grafanaAjv.addSchema(readJson(`grafana/schema/${name}.jsonschema.json`), name);
    }
  }
  const ref = definition ? `${schema}#/definitions/${definition}` : schema;
  let v = compiled.get(ref);
  if (!v) {
    v = grafanaAjv.compile({ $ref: ref });
    compiled.set(ref, v);
  }
  return v;
}

export function errorsText(v: ValidateFunction): string {
  return (v.errors ?? [])
    .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`)
    .join('\n');
}
