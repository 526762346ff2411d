/** One module of the bundle, as marked by the `// <path>` line rolldown (and our vendor minifier) keeps. */
export interface BundleSegment {
  readonly source: string;
  readonly firstParty: boolean;
  /** Offset of the segment in the whole file, so findings can be given a line number. */
  readonly start: number;
  readonly code: string;
}

const marker = /^[ \t]*\/\/ (\S+\.(?:m?js|ts|tsx|jsx))[ \t]*$/gm;

/** Splits a bundle into modules; code before the first marker (the AMD wrapper) counts as first-party. */
export function splitBundle(code: string): BundleSegment[] {
  const segments: BundleSegment[] = [];
  let source = '(wrapper)';
  let start = 0;
  for (const match of code.matchAll(marker)) {
    segments.push({
      source,
      firstParty: !source.includes('node_modules/'),
      start,
      code: code.slice(start, match.index),
    });
    source = match[1] ?? '(unknown)';
    start = match.index;
  }
  segments.push({ source, firstParty: !source.includes('node_modules/'), start, code: code.slice(start) });
  return segments;
}

export function lineAt(code: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < code.length; i += 1) if (code.charCodeAt(i) === 10) line += 1;
  return line;
}
