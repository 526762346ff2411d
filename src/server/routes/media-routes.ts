import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { toWellFormedText } from '../../contracts/storable-text';
import { AppError } from '../../http/app-error';
import type { MediaStore } from '../../media/create-media-store';
import { checkMediaLink, MEDIA_ID } from '../../media/media-link';

export interface MediaRouteDeps {
  store: MediaStore;
  key: Buffer;
  /** The link key of DATA_ENCRYPTION_KEY_PREVIOUS, during a rotation. */
  previousKey?: Buffer | undefined;
  now?: () => number;
}

/**
 * GET /media/:id: the files mirrored from manager messages, for the messenger to fetch with the signed link it was
 * given. Served so that nothing in them can run on our origin: no sniffing, and a CSP sandbox for any HTML.
 */
export function mediaRoutes(deps: MediaRouteDeps): Hono {
  const now = deps.now ?? Date.now;
  const app = new Hono();
  app.get('/media/:id', async (c) => {
    const id = c.req.param('id');
    const check = MEDIA_ID.test(id)
      ? checkMediaLink({
          id,
          expires: c.req.query('expires'),
          sig: c.req.query('sig'),
          key: deps.key,
          previousKey: deps.previousKey,
          nowMs: now(),
        })
      : 'invalid';
    if (check === 'invalid') throw new AppError('media_link_invalid', 'The media link is not one this server signed.');
    if (check === 'expired') throw new AppError('media_link_expired', 'The media link has expired.');
    const stored = await deps.store.find(id);
    if (!stored) throw new AppError('not_found', 'The file is no longer kept here.');
    const headers: Record<string, string> = {
      'content-type': stored.contentType,
      'content-length': String(stored.size),
      'cache-control': 'private, max-age=86400, immutable',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    };
    if (stored.fileName !== undefined) {
      // encodeURIComponent throws on a lone surrogate: a name amojo sent once would fail every download.
      headers['content-disposition'] =
        `inline; filename*=UTF-8''${encodeURIComponent(toWellFormedText(stored.fileName))}`;
    }
    const body = c.req.method === 'HEAD' ? null : (Readable.toWeb(deps.store.read(id)) as ReadableStream);
    return new Response(body, { status: 200, headers });
  });
  return app;
}
