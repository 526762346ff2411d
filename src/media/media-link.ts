import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { parseEncryptionKey } from '../store/secret-box';

/** How long a mirrored media link works: long enough for a messenger that was down for days to catch up. */
export const MEDIA_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Mirrored files: random-looking ids derived from the hook (see createMediaMirror), base64url. */
export const MEDIA_ID = /^[A-Za-z0-9_-]{32}$/;

/**
 * The key that signs media links, derived from DATA_ENCRYPTION_KEY (HKDF, its own label) so that no second secret has
 * to be configured and a leaked link key would not open sealed credentials.
 */
export function deriveMediaLinkKey(dataEncryptionKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', parseEncryptionKey(dataEncryptionKey), '', 'channel media links v1', 32));
}

function signature(key: Buffer, id: string, expires: number): string {
  return createHmac('sha256', key).update(`${id}.${expires}`).digest('base64url');
}

/** `<baseUrl>/media/<id>?expires=<unix s>&sig=<HMAC-SHA256 of "id.expires", base64url>`. */
export function signMediaLink(input: { baseUrl: string; id: string; expiresAtMs: number; key: Buffer }): string {
  const expires = Math.floor(input.expiresAtMs / 1000);
  return `${input.baseUrl}/media/${input.id}?expires=${expires}&sig=${signature(input.key, input.id, expires)}`;
}

export type MediaLinkCheck = 'ok' | 'expired' | 'invalid';

/**
 * Checks a link's query against its id in constant time; a well-signed but past link is 'expired'. During a key
 * rotation (DATA_ENCRYPTION_KEY_PREVIOUS) a link signed under the previous key still works until it expires.
 */
export function checkMediaLink(input: {
  id: string;
  expires: string | undefined;
  sig: string | undefined;
  key: Buffer;
  previousKey?: Buffer | undefined;
  nowMs: number;
}): MediaLinkCheck {
  const { id, expires, sig } = input;
  if (expires === undefined || sig === undefined || !/^\d{1,12}$/.test(expires)) return 'invalid';
  const presented = Buffer.from(sig);
  const signedWith = (key: Buffer) => {
    const expected = Buffer.from(signature(key, id, Number(expires)));
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  };
  const keys = input.previousKey === undefined ? [input.key] : [input.key, input.previousKey];
  if (!keys.map(signedWith).includes(true)) return 'invalid';
  return Number(expires) * 1000 < input.nowMs ? 'expired' : 'ok';
}
