// Runs a composite action's steps the way the GitHub runner does, for end-to-end tests: each
// `run:` step in order with bash (`bash --noprofile --norc -eo pipefail`), `${{ }}` expressions in
// `with:` inputs, `env:`, `working-directory:` and outputs expanded, `if:` evaluated (success(),
// always(), failure(), ==, !=, &&, ||, !), and the GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH and
// GITHUB_STEP_SUMMARY files honoured between steps. `uses:` steps (actions/setup-node) are taken
// as satisfied: the test's own Node is on PATH. Workflow commands on stdout become annotations.
// Unlike the runner, an `inputs.<name>` the action does not declare or a `steps.<id>` no step has
// is an error, found in every expression before any step runs: the runner (and actionlint, which
// does not lint composite action bodies) would silently read it as ''.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

type Value = string | number | boolean | null | Record<string, unknown>;

interface ActionStep {
  name?: string;
  id?: string;
  if?: string | boolean;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  'working-directory'?: string;
}

interface ActionFile {
  inputs?: Record<string, { default?: string; required?: boolean }>;
  outputs?: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface StepResult {
  name: string;
  ran: boolean;
  /** `uses:` steps are not run, only noted. */
  uses?: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  title: string | undefined;
  message: string;
}

export interface ActionRun {
  /** 0 when every step succeeded, else the exit code of the first step that failed. */
  exitCode: number;
  conclusion: 'success' | 'failure';
  steps: StepResult[];
  outputs: Record<string, string>;
  annotations: Annotation[];
  summary: string;
}

export interface RunActionOptions {
  /** GITHUB_ACTION_PATH: the action's checkout. */
  actionPath: string;
  /** The `with:` of the workflow step. */
  inputs: Record<string, string>;
  /** The job's environment (PATH, HOME, the step's `env:` ...). */
  env: NodeJS.ProcessEnv;
  /** The github context: event_name, repository, run_id, run_attempt, token, api_url, event ... */
  github: Record<string, Value>;
  workspace: string;
  timeoutMs?: number;
}

// --- expressions --------------------------------------------------------------------------------

type Token = { kind: 'str' | 'num' | 'id' | 'op'; text: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:'((?:[^']|'')*)'|(\d+(?:\.\d+)?)|([A-Za-z_][\w.-]*(?:\(\))?)|(==|!=|&&|\|\||!|\(|\)))/y;
  let i = 0;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m) throw new Error(`cannot parse expression at '${src.slice(i)}'`);
    if (m[1] !== undefined) out.push({ kind: 'str', text: m[1].replace(/''/g, "'") });
    else if (m[2] !== undefined) out.push({ kind: 'num', text: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'id', text: m[3] });
    else out.push({ kind: 'op', text: m[4]! });
    i = re.lastIndex;
  }
  return out;
}

/** GitHub's loose equality: strings compare case-insensitively, otherwise by number. */
function equal(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (a === null || b === null) return a === b || a === '' || b === '';
  return Number(a) === Number(b);
}

const truthy = (v: Value) => !(v === false || v === 0 || v === '' || v === null || v === undefined);

export function evaluate(src: string, lookup: (name: string) => Value): Value {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = () => tokens[pos++]!;
  const primary = (): Value => {
    const t = take();
    if (!t) throw new Error(`unexpected end of '${src}'`);
    if (t.kind === 'str') return t.text;
    if (t.kind === 'num') return Number(t.text);
    if (t.kind === 'op' && t.text === '!') return !truthy(primary());
    if (t.kind === 'op' && t.text === '(') {
      const v = or();
      take();
      return v;
    }
    if (t.kind === 'id') {
      if (t.text === 'true' || t.text === 'false') return t.text === 'true';
      if (t.text === 'null') return null;
      return lookup(t.text);
    }
    throw new Error(`unexpected '${t.text}' in '${src}'`);
  };
  const comparison = (): Value => {
    let left = primary();
    while (peek()?.kind === 'op' && (peek()!.text === '==' || peek()!.text === '!=')) {
      const op = take().text;
      const right = primary();
      left = op === '==' ? equal(left, right) : !equal(left, right);
    }
    return left;
  };
  const and = (): Value => {
    let left = comparison();
    while (peek()?.text === '&&') {
      take();
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): Value => {
    let left = and();
    while (peek()?.text === '||') {
      take();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const value = or();
  if (pos !== tokens.length) throw new Error(`trailing tokens in '${src}'`);
  return value;
}

const asString = (v: Value): string =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** Replaces every `${{ expr }}` in a string. */
export function expand(text: string, lookup: (name: string) => Value): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => asString(evaluate(expr, lookup)));
}

function dig(root: unknown, parts: string[]): Value {
  let v: unknown = root;
  for (const p of parts) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Record<string, unknown>)[p];
  }
  return (v ?? null) as Value;
}

// --- references the action declares -------------------------------------------------------------

const CONTEXTS = new Set(['github', 'runner', 'steps', 'inputs', 'env']);
const STATUS_FUNCTIONS = new Set(['success()', 'failure()', 'always()', 'cancelled()']);

/** Why `name` (a context reference in an expression) does not resolve in this action, or undefined. */
function referenceError(action: ActionFile, name: string): string | undefined {
  if (STATUS_FUNCTIONS.has(name)) return undefined;
  const [root, ...rest] = name.split('.');
  if (!CONTEXTS.has(root!)) return `unknown context '${name}'`;
  if (root === 'inputs') {
    const declared = Object.keys(action.inputs ?? {});
    if (rest.length !== 1 || !declared.includes(rest[0]!))
      return `'${name}' is not an input action.yml declares (${declared.join(', ')})`;
  }
  if (root === 'steps') {
    const ids = action.runs.steps.flatMap((s) => (s.id ? [s.id] : []));
    if (!ids.includes(rest[0] ?? ''))
      return `'${name}': no step of action.yml has id '${rest[0] ?? ''}' (${ids.join(', ')})`;
  }
  return undefined;
}

/** The expressions of an action: every step's `if:` and every `${{ }}` the runner expands. */
function expressionsOf(action: ActionFile): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') for (const m of v.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) out.push(m[1]!);
    else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) visit(x);
  };
  for (const step of action.runs.steps) {
    if (typeof step.if === 'string' && !step.if.includes('${{')) out.push(step.if);
    visit(step);
  }
  for (const spec of Object.values(action.inputs ?? {})) visit(spec.default);
  for (const spec of Object.values(action.outputs ?? {})) visit(spec.value);
  return out;
}

/**
 * Parses action.yml and checks every context reference in it (inputs declared, step ids present),
 * whether or not the step that holds it would run; throws one error naming each bad one.
 */
export function checkActionFile(text: string): ActionFile {
  const action = parse(text) as ActionFile;
  const errors = new Set<string>();
  for (const expr of expressionsOf(action)) {
    evaluate(expr, (name) => {
      const error = referenceError(action, name);
      if (error) errors.add(error);
      return '';
    });
  }
  if (errors.size > 0) throw new Error(`action.yml: ${[...errors].join('; ')}`);
  return action;
}

// --- files the runner reads back -----------------------------------------------------------------

/** `name=value` lines and `name<<DELIM` ... `DELIM` blocks, as GITHUB_OUTPUT and GITHUB_ENV take them. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]!);
      out[heredoc[1]!] = body.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

function annotationsOf(stdout: string): Annotation[] {
  const out: Annotation[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const title = /(?:^|,)title=([^,]*)/.exec(m[2] ?? '')?.[1];
    const message = m[3]!.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
    out.push({ level: m[1] as Annotation['level'], title, message });
  }
  return out;
}

function runBash(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const file = path.join(env.RUNNER_TEMP!, `step-${process.hrtime.bigint()}.sh`);
  fs.writeFileSync(file, script);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// --- the runner ----------------------------------------------------------------------------------

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const action = checkActionFile(fs.readFileSync(path.join(options.actionPath, 'action.yml'), 'utf8'));
  if (action.runs.using !== 'composite') throw new Error('only composite actions are supported');
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-temp-'));
  const summaryFile = path.join(temp, 'step_summary.md');
  fs.writeFileSync(summaryFile, '');
  const eventFile = path.join(temp, 'event.json');
  fs.writeFileSync(eventFile, JSON.stringify(options.github.event ?? {}));
  const github: Record<string, Value> = {
    ...options.github,
    action_path: options.actionPath,
    workspace: options.workspace,
    event_path: eventFile,
  };
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  const jobEnv: NodeJS.ProcessEnv = {};
  const extraPath: string[] = [];
  let failed = false;
  let exitCode = 0;

  const inputs: Record<string, string> = {};
  const contextLookup = (name: string): Value => {
    const error = referenceError(action, name);
    if (error) throw new Error(`action.yml: ${error}`);
    const [root, ...rest] = name.split('.');
    switch (root) {
      case 'github':
        return dig(github, rest);
      case 'runner':
        return dig({ temp, os: 'Linux' }, rest);
      case 'steps':
        return dig(steps, rest);
      case 'inputs':
        return inputs[rest[0]!] ?? '';
      case 'env':
        return dig({ ...options.env, ...jobEnv }, rest);
      case 'success()':
        return !failed;
      case 'failure()':
        return failed;
      case 'always()':
        return true;
      case 'cancelled()':
        return false;
      default:
        throw new Error(`unknown context '${name}'`);
    }
  };
  for (const [name, spec] of Object.entries(action.inputs ?? {})) {
    const given = options.inputs[name];
    if (given === undefined && spec.required) throw new Error(`input ${name} is required`);
    inputs[name] = given ?? expand(spec.default ?? '', contextLookup);
  }
  for (const name of Object.keys(options.inputs)) {
    if (!(name in (action.inputs ?? {}))) throw new Error(`unexpected input ${name}`);
  }

  const results: StepResult[] = [];
  const annotations: Annotation[] = [];
  for (const [index, step] of action.runs.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${index + 1}`;
    const condition = step.if === undefined ? 'success()' : String(step.if).replace(/^\$\{\{|\}\}$/g, '');
    const withStatus = /\b(success|failure|always|cancelled)\(\)/.test(condition)
      ? condition
      : `success() && (${condition})`;
    if (!evaluate(withStatus, contextLookup)) {
      results.push({ name, ran: false, code: null, stdout: '', stderr: '' });
      continue;
    }
    if (step.uses) {
      for (const v of Object.values(step.with ?? {})) expand(String(v), contextLookup);
      results.push({ name, ran: false, uses: step.uses, code: 0, stdout: '', stderr: '' });
      continue;
    }
    if (!step.run) throw new Error(`step ${name} has neither run nor uses`);
    if (step.shell !== 'bash') throw new Error(`step ${name}: only shell: bash is supported`);
    const outputFile = path.join(temp, `output-${index}`);
    const envFile = path.join(temp, `env-${index}`);
    const pathFile = path.join(temp, `path-${index}`);
    for (const f of [outputFile, envFile, pathFile]) fs.writeFileSync(f, '');
    const stepEnv: NodeJS.ProcessEnv = {
      ...options.env,
      ...jobEnv,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTION_PATH: options.actionPath,
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_EVENT_NAME: asString(github.event_name ?? ''),
      GITHUB_REPOSITORY: asString(github.repository ?? ''),
      GITHUB_RUN_ID: asString(github.run_id ?? ''),
      GITHUB_RUN_ATTEMPT: asString(github.run_attempt ?? ''),
      GITHUB_API_URL: asString(github.api_url ?? ''),
      RUNNER_TEMP: temp,
      GITHUB_OUTPUT: outputFile,
      GITHUB_ENV: envFile,
      GITHUB_PATH: pathFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      PATH: [...extraPath, options.env.PATH ?? ''].join(path.delimiter),
    };
    for (const [k, v] of Object.entries(step.env ?? {})) stepEnv[k] = expand(String(v), contextLookup);
    const wd = expand(step['working-directory'] ?? '.', contextLookup);
    const cwd = path.resolve(options.workspace, wd);
    const script = expand(step.run, contextLookup);
    const r = await runBash(script, cwd, stepEnv, options.timeoutMs ?? 170_000);
    results.push({ name, ran: true, code: r.code, stdout: r.stdout, stderr: r.stderr });
    annotations.push(...annotationsOf(r.stdout));
    if (step.id) steps[step.id] = { outputs: parseCommandFile(fs.readFileSync(outputFile, 'utf8')) };
    Object.assign(jobEnv, parseCommandFile(fs.readFileSync(envFile, 'utf8')));
    for (const p of fs.readFileSync(pathFile, 'utf8').split('\n').filter(Boolean).reverse())
      extraPath.unshift(p);
    if (r.code !== 0 && !failed) {
      failed = true;
      exitCode = r.code ?? 1;
    }
  }
  const outputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.outputs ?? {}))
    outputs[name] = expand(spec.value, contextLookup);
  const summary = fs.readFileSync(summaryFile, 'utf8');
  fs.rmSync(temp, { recursive: true, force: true });
  return {
    exitCode,
    conclusion: failed ? 'failure' : 'success',
    steps: results,
    outputs,
    annotations,
    summary,
  };
}

/** A fresh copy of the repository's tracked files as they are in the working tree (no node_modules). */
export function copyTrackedFiles(root: string, files: string[], dest: string): void {
  for (const file of files) {
    const from = path.join(root, file);
    if (!fs.existsSync(from)) continue;
    const to = path.join(dest, file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
  }
}
