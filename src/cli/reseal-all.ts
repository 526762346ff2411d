import type { Kysely } from 'kysely';
import type { Database } from '../store/schema';
import { findSealedValues, replaceSealedValue } from '../store/sealed-values-repo';
import type { SecretBox } from '../store/secret-box';

export interface ResealCounts {
  /** Sealed values looked at. */
  checked: number;
  /** Opened with the previous key and sealed again under the current one. */
  resealed: number;
  /** Already under the current key: nothing to do (a rerun finds every value here). */
  current: number;
  /** Opened by neither key; left as they are, and the previous key must stay until they are dealt with. */
  unreadable: number;
  /** Changed by a rotate or unlink between the read and the write; theirs stands, already under the current key. */
  raced: number;
}

export interface ResealOptions {
  /** Opens with the current key only: tells what is already done. */
  current: SecretBox;
  /** Opens with the current and then the previous key (`createSecretBox(current, previous)`). */
  either: SecretBox;
  /** Rows per page (default 200); each value is its own small update, so no lock is held across a page. */
  batchSize?: number;
  /** After each page, with the counts so far (progress output; a test interrupts here). */
  onBatch?: (counts: Readonly<ResealCounts>) => void | Promise<void>;
}

/**
 * Seals every sealed value under the current key. Safe to interrupt and to run again: each value is replaced on its
 * own (only if unchanged since it was read), and a value that opens under the current key is skipped, so a rerun
 * resumes where the last one stopped and a run after a complete one changes nothing.
 */
export async function resealAll(db: Kysely<Database>, options: ResealOptions): Promise<ResealCounts> {
  const counts: ResealCounts = { checked: 0, resealed: 0, current: 0, unreadable: 0, raced: 0 };
  const limit = options.batchSize ?? 200;
  let afterId = '';
  for (;;) {
    const page = await findSealedValues(db, { afterId, limit });
    for (const value of page) {
      counts.checked += 1;
      if (opens(options.current, value.sealed, value.context)) {
        counts.current += 1;
        continue;
      }
      let plaintext: string;
      try {
        plaintext = options.either.open(value.sealed, value.context);
      } catch {
        counts.unreadable += 1;
        continue;
      }
      const to = options.current.seal(plaintext, value.context);
      if (await replaceSealedValue(db, { id: value.id, from: value.sealed, to })) counts.resealed += 1;
      else counts.raced += 1;
    }
    await options.onBatch?.(counts);
    if (page.length < limit) return counts;
    afterId = page[page.length - 1]?.id ?? afterId;
  }
}

function opens(box: SecretBox, sealed: string, context: string): boolean {
  try {
    box.open(sealed, context);
    return true;
  } catch {
    return false;
  }
}
