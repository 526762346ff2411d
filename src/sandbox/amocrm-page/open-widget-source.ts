import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';

/** The files of the widget archive, by their path inside it (`script.js`, `i18n/en.json`). */
export interface WidgetSource {
  /** Where the files come from, for messages. */
  readonly origin: string;
  read(path: string): Uint8Array | null;
}

/** Archive paths only: no absolute paths, no dot segments, no backslashes, nothing hidden. */
export function isArchivePath(path: string): boolean {
  if (path === '' || path.length > 300 || path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((segment) => segment !== '' && !segment.startsWith('.'));
}

/**
 * Opens the widget the page serves: widget.zip (unpacked in memory, and again whenever the file changes, so a
 * rebuild shows up on the next reload) or a directory in the archive's layout.
 */
export function openWidgetSource(location: { readonly zip?: string; readonly dir?: string }): WidgetSource {
  const { zip, dir } = location;
  if (zip !== undefined) return zipSource(zip);
  if (dir !== undefined) return dirSource(dir);
  throw new Error('startAmocrmPage needs widgetZip or widgetDir');
}

function zipSource(zipPath: string): WidgetSource {
  let stamp = '';
  let files: Record<string, Uint8Array> = {};
  const refresh = () => {
    let next: string;
    try {
      const stat = statSync(zipPath);
      next = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      next = 'missing';
    }
    if (next === stamp) return;
    stamp = next;
    files = next === 'missing' ? {} : unzipSync(readFileSync(zipPath));
  };
  return {
    origin: zipPath,
    read(path) {
      if (!isArchivePath(path)) return null;
      refresh();
      return Object.hasOwn(files, path) ? files[path]! : null;
    },
  };
}

function dirSource(dirPath: string): WidgetSource {
  return {
    origin: dirPath,
    read(path) {
      if (!isArchivePath(path)) return null;
      try {
        return readFileSync(join(dirPath, path));
      } catch {
        return null;
      }
    },
  };
}
