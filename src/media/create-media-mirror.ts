import { createHash } from 'node:crypto';
import { EgressRefusedError } from '../egress/egress-refused-error';
import type { StreamFetchLike, StreamResponseLike } from '../egress/fetch-like';
import { isTransientStatus } from '../http/is-transient-status';
import { type MediaStore, MediaTooLargeError } from './create-media-store';
import { MEDIA_LINK_TTL_MS, signMediaLink } from './media-link';
import { mediaSourceIssue } from './media-source-issue';

export interface MediaMirrorOptions {
  store: MediaStore;
  /** Downloads files: createStreamFetch with the media egress policy, which re-checks every redirect hop. */
  fetch: StreamFetchLike;
  /** Where the messenger reaches this backend (PUBLIC_URL); read per call, as the sandbox learns its port late. */
  publicUrl: () => string;
  key: Buffer;
  /** MEDIA_MAX_BYTES. */
  maxBytes: number;
  /** One download (default 60 s). */
  timeoutMs?: number;
  now?: () => number;
}

/** Why a file could not be mirrored, in the relay's terms; `retryable` says whether a later attempt may succeed. */
export class MediaMirrorError extends Error {
  override readonly name = 'MediaMirrorError';
  constructor(
    readonly code: 'media_too_large' | 'media_gone' | 'media_unavailable',
    readonly retryable: boolean,
    readonly text: string,
  ) {
    super(code);
  }
}

export type MediaMirror = (source: string, seed: string, fileName?: string) => Promise<string>;

/**
 * Copies a file amoCRM linked in a hook to our disk and answers with our own signed link to it. amoCRM's
 * attachment links are not promised to last, and a messenger that was down for a day must still find the file.
 * The id comes from `seed` (the hook's dedupe key and the field), so a retried delivery finds the copy it made
 * before instead of downloading again.
 */
export function createMediaMirror(options: MediaMirrorOptions): MediaMirror {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 60_000;

  async function download(source: string, id: string, fileName: string | undefined) {
    let response: StreamResponseLike;
    try {
      response = await options.fetch(source, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    } catch (error) {
      // Final at once: the same link (or its redirect) would be refused again on every retry.
      if (error instanceof EgressRefusedError) throw new MediaMirrorError('media_gone', false, EGRESS_REFUSED_TEXT);
      throw new MediaMirrorError('media_unavailable', true, 'The file could not be downloaded from amoCRM.');
    }
    if (!response.ok) {
      await response.body?.cancel();
      const retryable = isTransientStatus(response.status);
      const text = `amoCRM did not hand out the file (HTTP ${response.status}).`;
      throw new MediaMirrorError(retryable ? 'media_unavailable' : 'media_gone', retryable, text);
    }
    const tooLarge = new MediaMirrorError(
      'media_too_large',
      false,
      `The file is larger than the ${sizeText(options.maxBytes)} this channel forwards.`,
    );
    if (Number(response.headers.get('content-length') ?? 0) > options.maxBytes) {
      await response.body?.cancel();
      throw tooLarge;
    }
    const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
    try {
      await options.store.save(id, response.body ?? emptyBody(), { contentType, fileName }, options.maxBytes);
    } catch (error) {
      if (error instanceof MediaTooLargeError) throw tooLarge;
      // A body cut short or too slow, or our disk failing: nothing was kept, and a later attempt may work.
      throw new MediaMirrorError('media_unavailable', true, 'The file download from amoCRM did not complete.');
    }
  }

  return async (source, seed, fileName) => {
    const issue = mediaSourceIssue(source);
    if (issue !== null) throw new MediaMirrorError('media_gone', false, issue);
    const id = createHash('sha256').update(seed).digest('base64url').slice(0, 32);
    if (!(await options.store.find(id))) await download(source, id, fileName);
    return signMediaLink({
      baseUrl: options.publicUrl(),
      id,
      expiresAtMs: now() + MEDIA_LINK_TTL_MS,
      key: options.key,
    });
  };
}

const EGRESS_REFUSED_TEXT = 'The file link in the hook points outside the hosts this channel downloads from.';
const MB = 1024 * 1024;
const sizeText = (bytes: number) => (bytes >= MB ? `${Math.floor(bytes / MB)} MB` : `${bytes} bytes`);

async function* emptyBody(): AsyncIterable<Uint8Array> {}
