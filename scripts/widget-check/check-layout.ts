import { logoSizes } from './check-images';
import type { ManifestFiles } from './manifest-files';
import type { ArchiveFiles, Violation } from './violation';
import { violation } from './violation';

/** Exactly the files the widget uses, at the zip root (requirements.md §3.1: leave out what is not used). */
export function allowedFiles(listed: ManifestFiles): Set<string> {
  return new Set([
    'manifest.json',
    'script.js',
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
  const allowed = allowedFiles(listed);
  for (const name of files.keys()) {
    if (!allowed.has(name))
      found.push(violation(name, 'archive/unexpected-file', 'is not used by the widget; leave it out'));
  }
  for (const name of allowed) {
    if (!files.has(name) && name !== 'manifest.json') {
      found.push(violation(name, 'archive/missing-file', 'is required but missing'));
    }
  }
  return found;
}
