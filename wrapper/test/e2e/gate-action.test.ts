// action.yml and the example workflow, checked with actionlint (built by scripts/setup-tools.sh).
// actionlint reads action.yml through the workflow's `uses: ./`, so a wrong input name fails too.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toolPath } from '../../../grafana/test/support/tools.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** actionlint as built by scripts/setup-tools.sh; a clear error (not a skip) when it is missing. */
function actionlintBin(): string {
  return toolPath('CLAUDE_OTEL_ACTIONLINT_BIN');
}

const workflows = () =>
  fs
    .readdirSync(path.join(ROOT, '.github/workflows'))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join('.github/workflows', f));

describe('GitHub Action', () => {
  it('action.yml is a composite action whose run steps all name a shell and which runs the gate', () => {
    const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
    expect(action.runs.using).toBe('composite');
    // A budget (max-usd or max-tokens) is required in gate mode (checked by the install step), not in hooks mode.
    expect(action.inputs['max-usd'].required).toBe(false);
    expect(action.inputs.mode.default).toBe('gate');
    for (const step of action.runs.steps) if (step.run) expect(step.shell, step.name).toBe('bash');
    const gate = action.runs.steps.find((s: { id?: string }) => s.id === 'gate');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash array expansion, literally
    expect(gate.run).toContain('claude-otel "${args[@]}"');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, literally
    expect(action.outputs.cost_usd.value).toBe('${{ steps.gate.outputs.cost_usd }}');
    for (const name of ['tokens', 'within_budget', 'runs', 'budget_used_percent', 'pr_cost_usd']) {
      expect(action.outputs[name]?.value, name).toBe(`\${{ steps.gate.outputs.${name} }}`);
    }
    // Nothing published is needed: by default claude-otel runs from the action's own checkout.
    expect(action.inputs['claude-otel-version'].default).toBe('');
    expect(fs.existsSync(path.join(ROOT, 'dist/claude-otel.mjs'))).toBe(true);
  });

  it('actionlint passes on every workflow (and the action inputs they use)', () => {
    const files = workflows();
    expect(files.length).toBeGreaterThan(0);
    const r = spawnSync(actionlintBin(), files, { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('actionlint catches an input that action.yml does not define', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'actionlint-'));
    try {
      fs.mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
      fs.copyFileSync(path.join(ROOT, 'action.yml'), path.join(dir, 'action.yml'));
      const wf = fs.readFileSync(path.join(ROOT, '.github/workflows/claude-cost-gate.yml'), 'utf8');
      fs.writeFileSync(path.join(dir, '.github/workflows/bad.yml'), wf.replace('max-tokens:', 'max-tokenz:'));
      fs.mkdirSync(path.join(dir, '.git'));
      const r = spawnSync(actionlintBin(), ['.github/workflows/bad.yml'], { cwd: dir, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('input "max-tokenz" is not defined');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
