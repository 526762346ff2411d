import { createHmac } from 'node:crypto';
import { parseRfc2822Date } from '../http/parse-rfc2822-date';
import { canonicalRequest } from './canonical-request';
import { contentMd5 } from './content-md5';
import { AMOJO_CONTENT_TYPE } from './sign-request';
import { timingSafeHexEqual } from './timing-safe-hex-equal';

/** amojo's window: a signature is valid for 15 minutes from its `Date`. */
export const AMOJO_MAX_SKEW_MS = 15 * 60 * 1000;

export type RequestRejection =
  | 'missing_header'
  | 'content_type'
  | 'content_md5'
  | 'date_format'
  | 'date_skew'
  | 'signature';

export interface VerifyRequestInput {
  method: string;
  path: string;
  headers: {
    date?: string | undefined;
    contentType?: string | undefined;
    contentMd5?: string | undefined;
    signature?: string | undefined;
  };
  body: Uint8Array;
  secret: string;
  now: Date;
  maxSkewMs?: number;
}

export type VerifyRequestResult = { ok: true } | { ok: false; reason: RequestRejection; detail: string };

const reject = (reason: RequestRejection, detail: string): VerifyRequestResult => ({ ok: false, reason, detail });

/**
 * What amojo checks on every signed call (chats-api §2.1), as a pure function so the
 * emulator and the tests share one definition of "strict". The detail never echoes the secret.
 */
export function verifyRequest(input: VerifyRequestInput): VerifyRequestResult {
  const { date, contentType, contentMd5: md5, signature } = input.headers;
  const missing = Object.entries({
    Date: date,
    'Content-Type': contentType,
    'Content-MD5': md5,
    'X-Signature': signature,
  })
    .filter(([, value]) => value === undefined || value === '')
    .map(([name]) => name);
  if (missing.length > 0) return reject('missing_header', `missing header(s): ${missing.join(', ')}`);
  if (contentType !== AMOJO_CONTENT_TYPE)
    return reject('content_type', `Content-Type must be exactly ${AMOJO_CONTENT_TYPE}`);
  if (md5 !== contentMd5(input.body))
    return reject('content_md5', 'Content-MD5 is not the lowercase hex MD5 of the body');
  const signedAt = parseRfc2822Date(date!);
  if (!signedAt) return reject('date_format', 'Date is not an RFC 2822 date');
  const skew = Math.abs(input.now.getTime() - signedAt.getTime());
  if (skew > (input.maxSkewMs ?? AMOJO_MAX_SKEW_MS))
    return reject('date_skew', `Date is ${Math.round(skew / 1000)} s away from now`);
  const canonical = canonicalRequest({
    method: input.method,
    contentMd5: md5,
    contentType,
    date: date!,
    path: input.path,
  });
  const expected = createHmac('sha1', input.secret).update(canonical).digest();
  if (!timingSafeHexEqual(signature!, expected)) return reject('signature', 'X-Signature does not match');
  return { ok: true };
}
