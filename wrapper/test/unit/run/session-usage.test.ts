// The usage of an interactive session, read from its transcripts (main and subagents), must equal
// what `import` finds in the same transcripts, and once recorded, a later import must not count it
// again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importTranscripts } from '../../../src/import/import-transcripts.js';
import { appendRunRecord } from '../../../src/ledger/append.js';
import { readLedger } from '../../../src/ledger/read.js';
import { LEDGER_VERSION, type RunRecordInput } from '../../../src/ledger/schema.js';
import { loadPriceTable } from '../../../src/pricing/price-table.js';
import { sessionUsage } from '../../../src/run/session-usage.js';
import { findSessionTranscript } from '../../../src/transcript/locate.js';
import { readSessionTranscript } from '../../../src/transcript/session.js';
import { PROJECTS, recordedSessions } from '../transcript/recorded.js';

const table = loadPriceTable({});
const dirs: string[] = [];

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'session-usage-'));
  dirs.push(d);
  return d;
}

afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const sessions = recordedSessions();

describe('interactive session usage from its transcript', () => {
  it('has recorded transcripts to read', () => {
    expect(sessions.length).toBeGreaterThan(0);
  });

  for (const { project, sessionId: session, files } of sessions) {
    it(`equals what import finds in session ${session.slice(0, 8)} (${files.length} file(s)), and is not imported again`, () => {
      const home = tmp();
      const projectDir = path.join(home, '.claude', 'projects', project);
      for (const f of files) {
        const dest = path.join(projectDir, path.relative(path.join(PROJECTS, project), f));
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        fs.copyFileSync(f, dest);
      }
      expect(findSessionTranscript({ HOME: home }, session)).toBe(path.join(projectDir, `${session}.jsonl`));
      const transcript = readSessionTranscript({ HOME: home }, session);
      expect(transcript?.files).toHaveLength(files.length);
      const usage = sessionUsage(transcript!, table);
      expect(usage.message_ids?.length ?? 0).toBeGreaterThan(0);

      // What `import` makes of the same transcript, in a ledger of its own.
      const importEnv = { CLAUDE_OTEL_HOME: path.join(home, 'import-ledger') };
      importTranscripts(path.join(home, '.claude', 'projects'), table, importEnv);
      const imported = readLedger({ env: importEnv }).runs.filter((r) => r.session_id === session);
      const importedTotal = imported.reduce(
        (n, r) => n + Object.values(r.models).reduce((m, u) => m + u.total, 0),
        0,
      );
      const importedCost = imported.reduce((n, r) => n + r.cost_usd, 0);
      const ourTotal = Object.values(usage.models).reduce((m, u) => m + u.total, 0);
      expect(ourTotal).toBe(importedTotal);
      expect(usage.cost_usd).toBeCloseTo(importedCost, 12);

      // A ledger that already holds the interactive run: importing the transcript adds nothing.
      const env = { CLAUDE_OTEL_HOME: path.join(home, 'ledger') };
      const now = new Date().toISOString();
      const record: RunRecordInput = {
        v: LEDGER_VERSION,
        kind: 'run',
        run_id: 'interactive-1',
        invocation_id: 'inv-1',
        session_id: session,
        operation: 'run',
        agent: 'main',
        started_at: now,
        ended_at: now,
        duration_ms: 0,
        duration_api_ms: null,
        cwd: '/',
        git: null,
        ci: null,
        claude_version: null,
        status: 'success',
        subtype: null,
        is_error: false,
        termination: 'completed',
        exit_code: 0,
        signal: null,
        api_error_status: null,
        usage_source: 'transcript',
        turns: [],
        tool_spans: [],
        malformed_lines: 0,
        trace_id: null,
        span_id: null,
        ...usage,
      };
      appendRunRecord(record, env);
      const again = importTranscripts(path.join(home, '.claude', 'projects'), table, env);
      expect(again.records).toBe(0);
      expect(readLedger({ env }).runs).toHaveLength(1);
    });
  }
});
