// A compact set of message ids for import's deduplication, which spans a whole history (millions
// of messages): each id is kept as a 64-bit hash in a flat open-addressing table, 16 bytes per id
// at most, instead of a string in a Set (about 80). Two different ids share a hash with
// probability about n^2 / 2^65: for 10 million ids, about 3 in a million.

export interface IdSet {
  has(id: string): boolean;
  add(id: string): void;
  readonly size: number;
}

const MIN_SLOTS = 1 << 10;

export class CompactIdSet implements IdSet {
  private table = new Uint32Array(MIN_SLOTS * 2);
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(id: string): boolean {
    const [h1, h2] = hash64(id);
    return this.find(this.table, h1, h2) < 0;
  }

  add(id: string): void {
    const [h1, h2] = hash64(id);
    const slot = this.find(this.table, h1, h2);
    if (slot < 0) return;
    this.table[slot] = h1;
    this.table[slot + 1] = h2;
    this.count++;
    if (this.count * 2 > this.table.length / 2) this.grow();
  }

  /** The slot (array index) to put the hash in, or -1 when it is there already. */
  private find(table: Uint32Array, h1: number, h2: number): number {
    const mask = table.length / 2 - 1;
    let i = h1 & mask;
    for (;;) {
      const a = table[i * 2]!;
      const b = table[i * 2 + 1]!;
      if (a === 0 && b === 0) return i * 2;
      if (a === h1 && b === h2) return -1;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.table;
    const table = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) {
      const h1 = old[i]!;
      const h2 = old[i + 1]!;
      if (h1 === 0 && h2 === 0) continue;
      const slot = this.find(table, h1, h2);
      table[slot] = h1;
      table[slot + 1] = h2;
    }
    this.table = table;
  }
}

/** Two 32-bit halves of a 64-bit string hash (cyrb53's mixing, both states kept); never 0,0. */
export function hash64(s: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  h1 >>>= 0;
  h2 >>>= 0;
  return h1 === 0 && h2 === 0 ? [0, 1] : [h1, h2];
}
