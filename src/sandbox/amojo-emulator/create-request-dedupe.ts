import { ControlError } from '../control-api/control-error';

/**
 * Idempotent control actions: the first request with a `requestId` does the work and every later one with the same
 * id gets the same result, marked `duplicate`, instead of a second message (a double-clicked Send, a retry after a
 * lost answer). A repeat that arrives while the first is still running waits for it. A failed first attempt forgets
 * its id, so it may be tried again (a write-first chat it already opened is reused by the retry). An id reused for a
 * different body is a 409: answering it with the first result would hide that the second message was never sent.
 * The newest `maxEntries` ids are remembered, enough for any double click or retry in a long sandbox session.
 */
export function createRequestDedupe(maxEntries = 10_000) {
  const seen = new Map<string, { readonly fingerprint: string; readonly result: Promise<unknown> }>();

  return async function once<T extends object>(
    scope: string,
    requestId: string | undefined,
    body: unknown,
    run: () => Promise<T>,
  ): Promise<T & { readonly duplicate?: true }> {
    if (requestId === undefined) return run();
    const key = `${scope}\u0000${requestId}`;
    const fingerprint = JSON.stringify(body);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      if (earlier.fingerprint !== fingerprint) {
        const message = `was already used for a different ${scope} request`;
        throw new ControlError(409, `requestId "${requestId}" ${message}`, [{ path: 'requestId', message }]);
      }
      return { ...structuredClone((await earlier.result) as T), duplicate: true };
    }
    const result = run();
    seen.set(key, { fingerprint, result });
    // A Map iterates in insertion order, so the first key is the oldest.
    if (seen.size > maxEntries) seen.delete(seen.keys().next().value as string);
    try {
      // A copy, as duplicates get: the caller may change what it is given.
      return structuredClone(await result);
    } catch (error) {
      seen.delete(key);
      throw error;
    }
  };
}
