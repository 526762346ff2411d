import { logoSizes } from './check-images';
import type { ManifestFiles } from './manifest-files';
import type { ArchiveFiles, Violation } from './violation';
import { decodeUtf8, violation } from './violation';

/**
 * Exactly the files the widget uses, at the zip root (requirements.md §3.1: leave out what is not used). style.css
 * belongs there only when script.js loads it: the platform never loads it by itself (integrations/script_js.md).
 */
export function allowedFiles(listed: ManifestFiles, stylesheet = false): Set<string> {
  return new Set([
    'manifest.json',
    'script.js',
    ...(stylesheet ? ['style.css'] : []),
    ...Object.keys(logoSizes),
    ...listed.locales.map((locale) => `i18n/${locale}.json`),
    ...listed.tourImages,
  ]);
}

export function checkLayout(files: ArchiveFiles, listed: ManifestFiles): Violation[] {
  const found: Violation[] = [];
  if (!files.has('manifest.json')) {
    const nested = [...files.keys()].find((name) => name.endsWith('/manifest.json'));
    const hint = nested === undefined ? '' : `; it sits in ${nested}: zip the folder's contents, not the folder`;
    found.push(violation('manifest.json', 'archive/wrapped-in-folder', `is not at the archive root${hint}`));
  }
  const script = files.get('script.js');
  // the widget builds the file's URL from its path: `${path}/style.css` or '…/style.css' in code; a comment naming
  // the file (`<widget path>/style.css`, "our style.css") is no loader
  const loadsStylesheet = script !== undefined && /[}'"`]\/style\.css/.test(decodeUtf8(script) ?? '');
  const allowed = allowedFiles(listed, loadsStylesheet);
  for (const name of files.keys()) {
    if (allowed.has(name)) continue;
    const why = name === 'style.css' ? 'script.js never loads it' : 'is not used by the widget';
    found.push(violation(name, 'archive/unexpected-file', `${why}; leave it out`));
  }
  for (const name of allowed) {
    if (!files.has(name) && name !== 'manifest.json') {
      const why = name === 'style.css' ? 'is loaded by script.js but missing' : 'is required but missing';
      found.push(violation(name, 'archive/missing-file', why));
    }
  }
  return found;
}
