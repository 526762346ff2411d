import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { collectWidgetFiles, zipWidget } from '../../../scripts/pack-widget';
import { readZip } from '../../../scripts/widget-check/read-zip';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');

export interface BuiltWidget {
  /** The archive as uploaded. */
  readonly zip: Uint8Array;
  /** The archive's files extracted to disk, as the platform serves them under /widgets/<code>/. */
  readonly dir: string;
  readonly files: ReadonlyMap<string, Uint8Array>;
}

const inputs = [
  'widget',
  'src/contracts',
  'i18n',
  'images',
  'scripts',
  'manifest.json',
  'vite.config.ts',
  'package.json',
];

function listFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => listFiles(join(path, name)));
}

function inputHash(backendUrl: string): string {
  const hash = createHash('sha256').update(backendUrl);
  for (const file of inputs.flatMap((input) => listFiles(join(repoRoot, input)))) {
    hash.update(relative(repoRoot, file)).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Runs the real build (`vite build` in a child process, then the pack step) into a temp directory and extracts the
 * zip. Results are cached by a hash of every input, so several test files share one build; a rename publishes each
 * build atomically, so parallel test files never see a half-written one.
 */
export function buildWidget(backendUrl = 'http://127.0.0.1:8080'): BuiltWidget {
  const cacheDir = join(tmpdir(), 'channel-link-widget-builds', inputHash(backendUrl));
  if (!existsSync(join(cacheDir, 'widget.zip'))) {
    mkdirSync(dirname(cacheDir), { recursive: true });
    const work = mkdtempSync(`${cacheDir}-`);
    execFileSync(
      process.execPath,
      [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', join(work, 'build')],
      {
        cwd: repoRoot,
        env: { ...process.env, WIDGET_BACKEND_URL: backendUrl, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
        stdio: 'pipe',
      },
    );
    const zip = zipWidget(collectWidgetFiles(repoRoot, join(work, 'build', 'script.js')));
    for (const [name, data] of readZip(zip)) {
      mkdirSync(dirname(join(work, 'widget', name)), { recursive: true });
      writeFileSync(join(work, 'widget', name), data);
    }
    writeFileSync(join(work, 'widget.zip'), zip);
    try {
      renameSync(work, cacheDir);
    } catch {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const zip = readFileSync(join(cacheDir, 'widget.zip'));
  return { zip, dir: join(cacheDir, 'widget'), files: readZip(zip) };
}
