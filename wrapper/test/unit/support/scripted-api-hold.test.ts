// The scripted endpoint's hold: answers of a held tag wait until released, a count at a time or
// all at once, and other tags are never held.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScriptedApi, startScriptedApi } from '../../support/scripted-api/server.js';
import { waitFor } from '../../support/wait-for.js';

let api: ScriptedApi;

beforeAll(async () => {
  api = await startScriptedApi();
});

afterAll(async () => {
  await api.close();
});

function ask(tag: string): Promise<string> {
  return fetch(`${api.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: `hi [[scenario:basic tag=${tag}]]` }],
    }),
  }).then((r) => r.text());
}

describe('scripted API hold', () => {
  it('holds a tag until released, one count at a time, then all', async () => {
    api.hold('h');
    let done = 0;
    const answers = [ask('h'), ask('h'), ask('h')].map((p) => p.then(() => done++));
    await waitFor(() => api.held('h') === 3, { timeoutMs: 5000, what: 'three held answers' });
    expect(done).toBe(0);
    expect(api.answered('h')).toBe(0);

    api.release('h', 1);
    await waitFor(() => done === 1, { timeoutMs: 5000, what: 'one released answer' });
    expect(api.held('h')).toBe(2);
    expect(api.answered('h')).toBe(1);

    // An allowance left over lets a later answer through at once.
    api.release('h', 3);
    await waitFor(() => done === 3, { timeoutMs: 5000, what: 'the other two' });
    await ask('h');
    expect(api.answered('h')).toBe(4);
    // That answer used up the allowance: the next one is held again.
    const late = ask('h').then(() => done++);
    await waitFor(() => api.held('h') === 1, { timeoutMs: 5000, what: 'a held answer after the allowance' });
    expect(api.answered('h')).toBe(4);

    api.release('h');
    await Promise.all([...answers, late]);
    expect(api.held('h')).toBe(0);
    expect(api.answered('h')).toBe(5);
  });

  it('never holds another tag', async () => {
    api.hold('x');
    const body = await ask('y');
    expect(body).toContain('msg_scripted_');
    expect(api.answered('y')).toBe(1);
    api.release('x');
  });
});
