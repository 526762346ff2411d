import { isStorableText } from '../contracts/storable-text';
import type { IngressRow } from './ingress-row';

/**
 * The indexes of the rows of an ingress batch that may be new: the first with each dedupe key (a repeat within the
 * batch is a duplicate of it). Throws for a key the database would change (U+FFFD for a lone surrogate): it never
 * comes back as inserted, so its hook would be answered "duplicate" and lost. The door refuses such ids; this fails
 * the batch loudly if one slips through (group commit then retries row by row, so only that caller fails).
 */
export function firstOfEachKey(rows: readonly IngressRow[]): number[] {
  const seen = new Set<string>();
  const firsts: number[] = [];
  for (const [i, row] of rows.entries()) {
    const key = row.event.dedupeKey;
    if (seen.has(key)) continue;
    if (!isStorableText(key)) throw new Error(`inbox dedupe key cannot be stored as written: ${JSON.stringify(key)}`);
    seen.add(key);
    firsts.push(i);
  }
  return firsts;
}
