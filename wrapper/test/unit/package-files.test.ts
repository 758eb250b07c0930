// package.json's "files" (what npm publishes) names each path once, and each names something that
// is there: a duplicate or a stale entry is how the list drifted before.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
// Built by `npm run build` (the prepare script), so absent in a fresh checkout.
const BUILT = new Set(['wrapper/dist']);

describe('package.json files', () => {
  it('lists each path once', () => {
    const seen = new Set<string>();
    const duplicates = pkg.files.filter((f) => seen.size === seen.add(f).size);
    expect(duplicates).toEqual([]);
  });

  it('lists only paths that exist', () => {
    const missing = pkg.files.filter((f) => !BUILT.has(f) && !fs.existsSync(path.join(ROOT, f)));
    expect(missing).toEqual([]);
  });
});
