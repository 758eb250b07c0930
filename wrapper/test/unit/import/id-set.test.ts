// The compact id set import deduplicates with: every id added is found, through many resizes, and
// ids never added are not (a 64-bit hash: no false hit expected at this size).
import { describe, expect, it } from 'vitest';
import { CompactIdSet, hash64 } from '../../../src/import/id-set.js';

describe('CompactIdSet', () => {
  it('finds every id added and none that was not', () => {
    const set = new CompactIdSet();
    const n = 200_000;
    for (let i = 0; i < n; i++) set.add(`msg_01ABCdef${i}`);
    for (let i = 0; i < n; i++) set.add(`msg_01ABCdef${i}`); // again: no change
    expect(set.size).toBe(n);
    let found = 0;
    let wrong = 0;
    for (let i = 0; i < n; i++) if (set.has(`msg_01ABCdef${i}`)) found++;
    for (let i = n; i < 2 * n; i++) if (set.has(`msg_01ABCdef${i}`)) wrong++;
    expect(found).toBe(n);
    expect(wrong).toBe(0);
    expect(set.has('')).toBe(false);
  });

  it('never hashes to the empty slot marker', () => {
    for (const s of ['', 'a', 'msg_x', '\u0000']) expect(hash64(s)).not.toEqual([0, 0]);
  });
});
