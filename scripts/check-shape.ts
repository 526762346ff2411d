import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { checkShape } from './shape/check-shape';
import { loadShapeConfig } from './shape/load-shape-config';
import type { Violation } from './shape/violation';

/**
 * Checks src/ and widget/ against the folder rules of .dependency-cruiser.cjs and prints each broken one as
 * `rule: from -> to`, then why each broken rule exists. Exits 1 when any is broken.
 * Run: npx tsx scripts/check-shape.ts
 */

function describe(violation: Violation): string {
  const loop = violation.cycle === undefined ? '' : ` (cycle: ${[violation.from, ...violation.cycle].join(' -> ')})`;
  return `${violation.rule}: ${violation.from} -> ${violation.to}${loop}`;
}

async function main(): Promise<number> {
  const started = performance.now();
  const violations = await checkShape(process.cwd());
  const took = `${Math.round(performance.now() - started)} ms`;
  if (violations.length === 0) {
    process.stdout.write(`✓ src/ and widget/ keep every folder rule (${took})\n`);
    return 0;
  }
  for (const violation of violations) process.stdout.write(`✗ ${describe(violation)}\n`);
  const broken = new Set(violations.map((violation) => violation.rule));
  process.stdout.write('\nwhy these rules exist (.dependency-cruiser.cjs):\n');
  for (const rule of loadShapeConfig().forbidden ?? []) {
    if (rule.name !== undefined && broken.has(rule.name)) process.stdout.write(`  ${rule.name}: ${rule.comment}\n`);
  }
  process.stdout.write(`${violations.length} violation(s) (${took})\n`);
  return 1;
}

// As a URL, so a path with a space or non-ASCII letters still matches (import.meta.url is percent-encoded).
if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) process.exitCode = await main();
