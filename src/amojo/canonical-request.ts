export interface CanonicalRequestParts {
  method: string;
  contentMd5: string;
  contentType: string;
  date: string;
  path: string;
}

/**
 * The string amojo signs: header values exactly as sent, joined by `\n`, with the
 * URL path only. A query string is never part of it (signing one is a classic 403).
 */
export function canonicalRequest(parts: CanonicalRequestParts): string {
  const queryAt = parts.path.indexOf('?');
  const path = queryAt === -1 ? parts.path : parts.path.slice(0, queryAt);
  return [parts.method.toUpperCase(), parts.contentMd5, parts.contentType, parts.date, path].join('\n');
}
