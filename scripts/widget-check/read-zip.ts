import { unzipSync } from 'fflate';
import type { ArchiveFiles } from './violation';

/** The archive's files by path; directory entries are dropped, since only files matter to the platform. */
export function readZip(zip: Uint8Array): ArchiveFiles {
  const entries = unzipSync(zip);
  const files = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(entries)) {
    if (!name.endsWith('/')) files.set(name, data);
  }
  return files;
}
