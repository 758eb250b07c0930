import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectDirName } from '../../../src/transcript/locate.js';
import { SessionTail } from '../../../src/transcript/session-tail.js';

const SESSION = '11111111-2222-3333-4444-555555555555';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function line(id: string, output: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: 'assistant',
    timestamp: '2026-11-26T10:00:00.000Z',
    sessionId: SESSION,
    requestId: `req_${id}`,
    message: { id, model: 'claude-sonnet-4-5', usage: { input_tokens: 100, output_tokens: output } },
    ...extra,
  });
}

describe('SessionTail', () => {
  it('folds only complete lines, reads each byte once, and picks up subagent transcripts as they appear', async () => {
    const config = fs.mkdtempSync(path.join(os.tmpdir(), 'tail-'));
    dirs.push(config);
    const cwd = '/work/some project';
    const project = path.join(config, 'projects', projectDirName(cwd));
    fs.mkdirSync(project, { recursive: true });
    const main = path.join(project, `${SESSION}.jsonl`);
    const tail = new SessionTail({ CLAUDE_CONFIG_DIR: config }, SESSION, { cwd });
    expect(await tail.poll()).toBe(false);

    // A message streams on several lines; the last one is still being written.
    const second = line('msg_1', 40);
    fs.writeFileSync(main, `${line('msg_1', 1)}\n${second.slice(0, 30)}`);
    expect(await tail.poll()).toBe(true);
    expect(tail.messages(0).map((m) => m.output)).toEqual([1]);
    fs.appendFileSync(main, `${second.slice(30)}\n`);
    expect(await tail.poll()).toBe(true);
    expect(tail.messages(0).map((m) => m.output)).toEqual([40]);
    expect(await tail.poll()).toBe(false);

    const subDir = path.join(project, SESSION, 'subagents');
    fs.mkdirSync(subDir, { recursive: true });
    fs.writeFileSync(
      path.join(subDir, 'agent-a1.jsonl'),
      `${line('msg_sub', 25, { isSidechain: true, agentId: 'a1' })}\n`,
    );
    expect(await tail.poll()).toBe(true);
    expect(tail.messages(0).map((m) => [m.messageId, m.output, m.sidechain])).toEqual([
      ['msg_1', 40, false],
      ['msg_sub', 25, true],
    ]);
    // Messages written before the run started are not the run's.
    expect(tail.messages(Date.parse('2026-11-26T10:00:01Z'))).toEqual([]);
  });

  it('stops reading past its byte limit', async () => {
    const config = fs.mkdtempSync(path.join(os.tmpdir(), 'tail-'));
    dirs.push(config);
    const project = path.join(config, 'projects', 'p');
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(path.join(project, `${SESSION}.jsonl`), `${line('msg_1', 5)}\n`);
    const tail = new SessionTail({ CLAUDE_CONFIG_DIR: config }, SESSION, { maxBytes: 10 });
    expect(await tail.poll()).toBe(false);
    expect(tail.overLimit).toBe(true);
    expect(tail.messages(0)).toEqual([]);
  });
});
