/** One broken platform rule: the archive file it is in, a stable rule id, and what to fix. */
export interface Violation {
  readonly file: string;
  readonly rule: string;
  readonly message: string;
}

export type ArchiveFiles = ReadonlyMap<string, Uint8Array>;

export function violation(file: string, rule: string, message: string): Violation {
  return { file, rule, message };
}

const textExtensions = ['.json', '.js', '.css', '.md', '.txt', '.twig', '.html', '.svg'];

export function isTextFile(name: string): boolean {
  return textExtensions.some((ext) => name.endsWith(ext));
}

export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}
