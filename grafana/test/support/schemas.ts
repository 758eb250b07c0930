// ajv (draft-07) loaded with the vendored Grafana schemas and the Compose Specification schema.
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

/** Drops the pre-draft-06 `id` keyword (string-valued; a property named `id` would be an object). */
function withoutIdKeyword(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIdKeyword);
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node)
        .filter(([k, v]) => !(k === 'id' && typeof v === 'string'))
        .map(([k, v]) => [k, withoutIdKeyword(v)]),
    );
  }
  return node;
}

/**
 * The Compose Specification validator. The vendored schema declares draft 2019-09 but uses
 * only draft-07 keywords plus the pre-draft-06 `id`, whose values merely restate each node's
 * JSON pointer; ajv 8 refuses `id`, so it is dropped, as is `$schema`. Strict mode is off for
 * the schema's `format` names ajv does not know; the ones it uses are defined below.
 */
export function composeValidator(): ValidateFunction {
  const { $schema: _ignored, ...raw } = readJson('compose/schema/compose-spec.json');
  const schema = withoutIdKeyword(raw) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('duration', /^[0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h)([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))*$/);
  ajv.addFormat('ports', true);
  ajv.addFormat('expose', true);
  return ajv.compile(schema);
}

export function errorsText(v: ValidateFunction): string {
  return (v.errors ?? [])
    .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`)
    .join('\n');
}
