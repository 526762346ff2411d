import { createHash } from 'node:crypto';
import { EgressRefusedError } from '../egress/egress-refused-error';
import type { StreamFetchLike, StreamResponseLike } from '../egress/fetch-like';
import { isTransientStatus } from '../http/is-transient-status';
import type { FreeSpaceGuard } from './create-free-space-guard';
import type { MediaQuota } from './create-media-quota';
import { type MediaStore, MediaTooLargeError, type StoredMedia } from './create-media-store';
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
  /** MEDIA_QUOTA_BYTES per account, over the files still kept; without it an account may fill the disk alone. */
  quota?: MediaQuota | undefined;
  /** MEDIA_MIN_FREE_BYTES: no new file while MEDIA_DIR's filesystem (usually the database's too) runs short. */
  freeSpace?: FreeSpaceGuard | undefined;
  /**
   * One download in total, from the request to the last byte on disk (default DEFAULT_MEDIA_DOWNLOAD_MS, 25 s). The
   * transport's per-read timeout alone lets a slow drip run for ever; past this the file is refused for good.
   */
  timeoutMs?: number;
  now?: () => number;
}

/** Why a file could not be mirrored, in the relay's terms; `retryable` says whether a later attempt may succeed. */
export class MediaMirrorError extends Error {
  override readonly name = 'MediaMirrorError';
  constructor(
    readonly code:
      | 'media_too_large'
      | 'media_too_slow'
      | 'media_gone'
      | 'media_unavailable'
      | 'media_quota_exceeded'
      | 'media_disk_full',
    readonly retryable: boolean,
    readonly text: string,
  ) {
    super(code);
  }
}

/**
 * `account` (the hook's amojo account id) is whose quota the file counts against. `signal` is the relay job's
 * deadline (JobContext.signal): once it fires, the download stops and its abort reason is thrown.
 */
export type MediaMirror = (
  source: string,
  seed: string,
  fileName?: string,
  account?: string,
  signal?: AbortSignal,
) => Promise<string>;

/**
 * A download's whole time, well inside the relay job's 60 s deadline even for a file and its thumbnail, then the
 * delivery. The price: a file at MEDIA_MAX_BYTES (50 MB by default) must come at 2 MB/s or more; a slower one is
 * refused with the reason (-1/905), and the manager can send a link instead.
 */
export const DEFAULT_MEDIA_DOWNLOAD_MS = 25_000;

/**
 * Copies a file amoCRM linked in a hook to our disk and answers with our own signed link to it. amoCRM's
 * attachment links are not promised to last, and a messenger that was down for a day must still find the file.
 * The id comes from `seed` (the hook's dedupe key and the field), so a retried delivery finds the copy it made
 * before instead of downloading again.
 */
export function createMediaMirror(options: MediaMirrorOptions): MediaMirror {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DEFAULT_MEDIA_DOWNLOAD_MS;
  const tooSlowText = `The file took longer than ${Math.ceil(timeoutMs / 1000)} s to download from amoCRM, so it was not sent.`;

  async function download(
    source: string,
    id: string,
    fileName: string | undefined,
    account: string | undefined,
    job: AbortSignal | undefined,
  ) {
    // One clock for the whole download, headers and body. Past it the file is refused for good (905): another
    // attempt would most likely crawl as slowly, and every attempt holds the chat's later messages behind it.
    const cap = AbortSignal.timeout(timeoutMs);
    const signal = job ? AbortSignal.any([cap, job]) : cap;
    const stopped = () => {
      if (job?.aborted) throw job.reason;
      if (cap.aborted) throw new MediaMirrorError('media_too_slow', false, tooSlowText);
    };
    let response: StreamResponseLike;
    try {
      response = await options.fetch(source, { signal, redirect: 'follow' });
    } catch (error) {
      // Final at once: the same link (or its redirect) would be refused again on every retry.
      if (error instanceof EgressRefusedError) throw new MediaMirrorError('media_gone', false, EGRESS_REFUSED_TEXT);
      stopped();
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
    // Until the file is on disk, an unannounced size counts as the most it may be.
    const announced = response.headers.get('content-length');
    const bytes = announced !== null && /^\d+$/.test(announced.trim()) ? Number(announced) : options.maxBytes;
    const releaseSpace = options.freeSpace ? await options.freeSpace.admit(bytes) : () => {};
    // Both refusals are final, like an oversized file: a retry would hold the chat for the whole retry budget while
    // the space is unlikely to return, and the manager at once sees -1/905 with the reason and can send it later.
    if (releaseSpace === null) {
      await response.body?.cancel();
      throw new MediaMirrorError('media_disk_full', false, DISK_FULL_TEXT);
    }
    try {
      const quota = account === undefined ? undefined : options.quota;
      if (quota && account !== undefined && !(await quota.reserve(id, account, bytes))) {
        await response.body?.cancel();
        const text = `This account's files of the last 8 days already fill the ${sizeText(quota.quotaBytes)} quota.`;
        throw new MediaMirrorError('media_quota_exceeded', false, text);
      }
      const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
      let stored: StoredMedia;
      try {
        stored = await options.store.save(
          id,
          response.body ?? emptyBody(),
          { contentType, fileName },
          options.maxBytes,
        );
      } catch (error) {
        await quota?.release(id);
        if (error instanceof MediaTooLargeError) throw tooLarge;
        stopped();
        // A body cut short or a silent connection, or our disk failing: nothing was kept, and a later attempt may work.
        throw new MediaMirrorError('media_unavailable', true, 'The file download from amoCRM did not complete.');
      }
      await quota?.settle(id, stored.size);
    } finally {
      releaseSpace();
    }
  }

  return async (source, seed, fileName, account, signal) => {
    const issue = mediaSourceIssue(source);
    if (issue !== null) throw new MediaMirrorError('media_gone', false, issue);
    const id = createHash('sha256').update(seed).digest('base64url').slice(0, 32);
    const signedAt = now();
    // A copy made before (a retry, or a dead job replayed days later) gets a new 7-day link, so it must live as long
    // as that link: the touch restarts its life. Kept only if it is still there; otherwise it is downloaded again.
    if (!(await options.store.touch(id, signedAt))) await download(source, id, fileName, account, signal);
    return signMediaLink({
      baseUrl: options.publicUrl(),
      id,
      expiresAtMs: signedAt + MEDIA_LINK_TTL_MS,
      key: options.key,
    });
  };
}

const DISK_FULL_TEXT = "The channel's disk is nearly full, so it takes no new files for now.";
const EGRESS_REFUSED_TEXT = 'The file link in the hook points outside the hosts this channel downloads from.';
const MB = 1024 * 1024;
const sizeText = (bytes: number) => (bytes >= MB ? `${Math.floor(bytes / MB)} MB` : `${bytes} bytes`);

async function* emptyBody(): AsyncIterable<Uint8Array> {}
