import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '../..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

/**
 * The widget bakes its backend origin in at build time, so the sandbox builds its own copy (into `outDir`) for the
 * backend it started, exactly as a production build is made, and reuses it while that origin is unchanged.
 */
export async function buildSandboxWidget(backendUrl: string, outDir: string): Promise<string> {
  const script = join(outDir, 'build', 'script.js');
  const zip = join(outDir, 'widget.zip');
  if (existsSync(zip) && existsSync(script) && readFileSync(script, 'utf8').includes(JSON.stringify(backendUrl))) {
    return zip;
  }
  const run = promisify(execFile);
  const env = { ...process.env, WIDGET_BACKEND_URL: backendUrl };
  await run(bin('vite'), ['build', '--outDir', join(outDir, 'build'), '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: root,
    env,
  });
  await run(bin('tsx'), [join(root, 'scripts', 'pack-widget.ts'), script, zip], { cwd: root, env });
  return zip;
}
