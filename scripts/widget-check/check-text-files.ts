import { type ArchiveFiles, decodeUtf8, isTextFile, type Violation, violation } from './violation';

/** Every text file must be UTF-8 without a BOM and use LF line endings (integrations/requirements.md §3.1). */
export function checkTextFiles(files: ArchiveFiles): Violation[] {
  const found: Violation[] = [];
  for (const [name, bytes] of files) {
    if (!isTextFile(name)) continue;
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      found.push(violation(name, 'text/bom', 'starts with a UTF-8 byte order mark; save it without BOM'));
    }
    const text = decodeUtf8(bytes);
    if (text === null) {
      found.push(violation(name, 'text/utf8', 'is not valid UTF-8'));
      continue;
    }
    const line = text.split('\n').findIndex((l) => l.includes('\r'));
    if (line !== -1) found.push(violation(name, 'text/line-endings', `line ${line + 1} ends in CR; use LF only`));
  }
  return found;
}
