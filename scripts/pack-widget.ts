import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Zippable, zipSync } from 'fflate';

/**
 * Packs dist/widget.zip: manifest.json (its version taken from package.json), script.js from the Vite build,
 * style.css (widget/styles/style.css as written, which script.js links), i18n/<locale>.json for each manifest locale
 * and exactly the images the manifest needs, all at the zip root.
 * Entries are sorted and carry a fixed timestamp, so the same inputs give the same bytes.
 * Run: npx tsx scripts/pack-widget.ts [script.js] [out.zip]
 */

export type ArchiveFiles = Map<string, Uint8Array>;

/** The panel's stylesheet in the repository; the archive carries it as `style.css`, the name script.js links. */
export const stylesheetSource = join('widget', 'styles', 'style.css');

/** The logos every widget ships (integrations/structure.md). */
export const requiredLogos = ['logo.png', 'logo_main.png', 'logo_medium.png', 'logo_min.png', 'logo_small.png'];

interface ManifestShape {
  widget?: { version?: unknown; locale?: unknown };
  tour?: { tour_images?: Record<string, unknown> };
}

/** Sets widget.version, keeping the file's formatting: two-space JSON, LF, one trailing newline. */
export function syncManifestVersion(manifestText: string, version: string): string {
  const manifest = JSON.parse(manifestText) as ManifestShape & Record<string, unknown>;
  if (manifest.widget === undefined) throw new Error('manifest.json has no "widget" block');
  manifest.widget.version = version;
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Reads everything the archive holds from the repository, in archive paths. */
export function collectWidgetFiles(root: string, scriptPath: string): ArchiveFiles {
  const encoder = new TextEncoder();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const manifestText = syncManifestVersion(readFileSync(join(root, 'manifest.json'), 'utf8'), pkg.version);
  const manifest = JSON.parse(manifestText) as ManifestShape;
  const files: ArchiveFiles = new Map();
  files.set('manifest.json', encoder.encode(manifestText));
  files.set('script.js', readFileSync(scriptPath));
  files.set('style.css', readFileSync(join(root, stylesheetSource)));
  for (const locale of stringList(manifest.widget?.locale)) {
    files.set(`i18n/${locale}.json`, readFileSync(join(root, 'i18n', `${locale}.json`)));
  }
  const tourImages = Object.values(manifest.tour?.tour_images ?? {}).flatMap(stringList);
  for (const image of [...requiredLogos.map((logo) => `images/${logo}`), ...tourImages]) {
    const path = image.replace(/^\/+/, '');
    files.set(path, readFileSync(join(root, path)));
  }
  return files;
}

/** A local-time date, so the DOS timestamps fflate writes do not depend on the machine's time zone. */
const fixedMtime = new Date(2000, 0, 1, 0, 0, 0);

export function zipWidget(files: ArchiveFiles): Uint8Array {
  const entries: Zippable = {};
  for (const name of [...files.keys()].sort()) {
    const data = files.get(name)!;
    // PNGs are compressed already; deflating them again only costs time
    entries[name] = [data, { mtime: fixedMtime, level: name.endsWith('.png') ? 0 : 9 }];
  }
  return zipSync(entries);
}

function main() {
  const root = process.cwd();
  const scriptPath = process.argv[2] ?? join(root, 'dist', 'widget', 'script.js');
  const outPath = process.argv[3] ?? join(root, 'dist', 'widget.zip');
  const files = collectWidgetFiles(root, scriptPath);
  const zip = zipWidget(files);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, zip);
  process.stdout.write(`${outPath}: ${files.size} files, ${(zip.length / 1024).toFixed(1)} KB\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
