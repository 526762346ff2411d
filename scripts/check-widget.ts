import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { checkArchive } from './widget-check/check-archive';
import { checkRelease } from './widget-check/check-release';
import { scriptGzipBudget } from './widget-check/check-script';
import { readZip } from './widget-check/read-zip';
import { violation } from './widget-check/violation';

/**
 * Validates dist/widget.zip (or the path given) against the platform rules and prints each violation with its file
 * and rule, then the script.js size against the budget and the size of the style.css it loads. Exits 1 when anything
 * is wrong. `--release` also refuses
 * what only a sandbox build may carry (check-release.ts).
 * Run: npx tsx scripts/check-widget.ts [--release] [path/to/widget.zip]
 */

/** The class the panel's styles are scoped under (widget/mount-panel.tsx). */
export const widgetCssScope = '.channel-link-widget';

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function main(): number {
  const root = process.cwd();
  const args = process.argv.slice(2);
  const release = args.includes('--release');
  const zipPath = args.find((arg) => arg !== '--release') ?? join(root, 'dist', 'widget.zip');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  let zip: Uint8Array;
  try {
    zip = readFileSync(zipPath);
  } catch {
    process.stderr.write(`cannot read ${zipPath}; run the build first\n`);
    return 1;
  }
  const files = readZip(zip);
  const report = checkArchive(files, { expectedVersion: pkg.version, cssScope: widgetCssScope });
  const violations = [...report.violations, ...(release ? checkRelease(files) : [])];
  if (basename(zipPath) !== 'widget.zip') {
    violations.unshift(violation(basename(zipPath), 'archive/name', 'the upload must be named widget.zip'));
  }
  for (const v of violations) process.stdout.write(`✗ ${v.file}: [${v.rule}] ${v.message}\n`);
  if (report.script !== null) {
    const { rawBytes, gzipBytes, vendorNotes } = report.script;
    const share = ((gzipBytes / scriptGzipBudget) * 100).toFixed(0);
    process.stdout.write(
      `script.js: ${kb(rawBytes)} raw, ${kb(gzipBytes)} gzip (budget ${kb(scriptGzipBudget)} gzip, ${share}% used)\n`,
    );
    for (const note of vendorNotes) process.stdout.write(`note: vendor code contains eval-like code: ${note}\n`);
  }
  const stylesheet = files.get('style.css');
  if (stylesheet !== undefined) {
    // a file of its own, fetched once per page next to script.js, so it is not part of the script budget
    process.stdout.write(`style.css: ${kb(stylesheet.length)} raw, ${kb(gzipSync(stylesheet).length)} gzip\n`);
  }
  process.stdout.write(
    violations.length === 0 ? `✓ ${zipPath} passes every check\n` : `${violations.length} violation(s) in ${zipPath}\n`,
  );
  return violations.length === 0 ? 0 : 1;
}

// As a URL, so a path with a space or non-ASCII letters still matches (import.meta.url is percent-encoded).
if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) process.exitCode = main();
