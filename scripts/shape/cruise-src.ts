import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getAvailableTranspilers, type ICruiseResult } from 'dependency-cruiser';
import type { Violation } from './violation';

const cli = fileURLToPath(new URL('../../node_modules/dependency-cruiser/bin/dependency-cruise.mjs', import.meta.url));

/**
 * Checks `src/` under `baseDir` against the rules of `configPath` with dependency-cruiser's own CLI, in a plain Node
 * process: under tsx, `import()` of @swc/core/Visitor.js hands dependency-cruiser the class itself as `default`
 * where it expects the exports object, its visitor becomes an empty class, and no file parses.
 */
export async function cruiseSrc(baseDir: string, configPath: string): Promise<Violation[]> {
  // without @swc/core (or with one outside its range) dependency-cruiser quietly falls back to acorn, which reads
  // TypeScript loosely and misses imports
  if (getAvailableTranspilers().find((transpiler) => transpiler.name === 'swc')?.available !== true) {
    throw new Error('dependency-cruiser cannot use the installed @swc/core, so it cannot read TypeScript');
  }
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [cli, 'src', '--config', configPath, '--output-type', 'json'],
    { cwd: baseDir, maxBuffer: 256 * 1024 * 1024 },
  );
  const result = JSON.parse(stdout) as ICruiseResult;
  return result.summary.violations.map((found) => ({
    rule: found.rule.name,
    from: found.from,
    to: found.to,
    ...(found.cycle === undefined ? {} : { cycle: found.cycle.map((step) => step.name) }),
  }));
}
