import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkShape } from '../../scripts/shape/check-shape';
import type { Violation } from '../../scripts/shape/violation';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const named = (found: Violation[]) => found.map((v) => `${v.rule}: ${v.from} -> ${v.to}`).sort();

/** A tree that breaks one rule per import, plus a cycle in each of src/ and widget/ (the widget's in .tsx). */
const brokenTree: Record<string, string> = {
  'src/server/y.ts': 'export const y = 1;\n',
  'src/relay/x.ts': "import { y } from '../server/y';\nexport const x = y;\n",
  'src/relay/b.ts': 'export const b = 2;\n',
  'src/relay/z.ts': "export { gone } from './missing';\n",
  'src/bridge/a.ts': "import { b } from '../relay/b';\nexport const a = b;\n",
  'src/store/p.ts': "import type { Q } from './q';\nexport type P = { q?: Q };\n",
  'src/store/q.ts': "import type { P } from './p';\nexport type Q = { p?: P };\n",
  'src/store/s.ts': 'export const s = 3;\n',
  'src/store/t.ts': "import { b } from '../relay/b';\nexport const t = b;\n",
  'src/amojo/u.ts': "import { s } from '../store/s';\nexport const u = s;\n",
  'src/media/v.ts': "import { b } from '../relay/b';\nexport const v = b;\n",
  'src/installation/i.ts': "import { b } from '../relay/b';\nexport const i = b;\n",
  'src/cli/run.ts': 'export const run = 4;\n',
  'src/relay/r.ts': "import { run } from '../cli/run';\nexport const r = run;\n",
  'src/contracts/c.ts': "import { readFileSync } from 'node:fs';\nexport const c = readFileSync;\n",
  'src/contracts/ok.ts': "export const ok = 'contracts import each other';\n",
  'widget/w.tsx':
    "import { join } from 'node:path';\nimport { ok } from '../src/contracts/ok';\nimport { s } from '../src/store/s';\n" +
    'export const W = () => <p title={join(ok)}>{s}</p>;\n',
  'widget/m.ts':
    "import { n } from './n';\nexport const m = () => n;\nexport const later = () => import('./gone');\n" +
    'export const fs = () => import(`node:fs`);\n',
  'widget/n.tsx': "import { m } from './m';\nexport const n = () => <i>{String(m)}</i>;\n",
};

function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'check-shape-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('checkShape', () => {
  const broken = writeTree(brokenTree);
  afterAll(() => rmSync(broken, { recursive: true, force: true }));

  it('finds no violation in this repo', async () => {
    expect(named(await checkShape(repoRoot))).toEqual([]);
  }, 30_000);

  it('names the rule and both ends of each broken import', async () => {
    const found = await checkShape(broken);
    expect(named(found)).toEqual([
      'bridge-below-relay: src/bridge/a.ts -> src/relay/b.ts',
      'cli-is-an-entry-point: src/relay/r.ts -> src/cli/run.ts',
      'contracts-only-zod: src/contracts/c.ts -> fs',
      'installation-below-relay: src/installation/i.ts -> src/relay/b.ts',
      'media-below-workers: src/media/v.ts -> src/relay/b.ts',
      'no-cycles: src/store/p.ts -> src/store/q.ts',
      'no-cycles: widget/m.ts -> widget/n.tsx',
      'not-to-unresolvable: src/relay/z.ts -> ./missing',
      'not-to-unresolvable: widget/m.ts -> ./gone',
      'outside-clients-below-workers: src/amojo/u.ts -> src/store/s.ts',
      'server-only-from-entry-points: src/relay/x.ts -> src/server/y.ts',
      'store-below-workers: src/store/t.ts -> src/relay/b.ts',
      'widget-no-node: widget/m.ts -> fs',
      'widget-no-node: widget/w.tsx -> path',
      'widget-only-contracts: widget/w.tsx -> src/store/s.ts',
    ]);
    expect(found.find((v) => v.from === 'widget/m.ts')?.cycle).toEqual(['widget/n.tsx', 'widget/m.ts']);
    expect(found.find((v) => v.from === 'src/store/p.ts')?.cycle).toEqual(['src/store/q.ts', 'src/store/p.ts']);
  }, 30_000);
});
