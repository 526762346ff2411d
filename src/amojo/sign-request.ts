import { createHmac } from 'node:crypto';
import { canonicalRequest } from './canonical-request';
import { contentMd5 } from './content-md5';
import { formatAmojoDate } from './format-amojo-date';

export const AMOJO_CONTENT_TYPE = 'application/json';

export interface SignRequestInput {
  method: string;
  /** URL path; a query string, if present, is left out of the signature. */
  path: string;
  /** The exact bytes that will be sent; empty for GET. */
  body: Uint8Array;
  secret: string;
  date: Date;
}

// A type alias, not an interface, so it is assignable to HeadersInit.
export type SignedRequestHeaders = {
  Date: string;
  'Content-Type': typeof AMOJO_CONTENT_TYPE;
  'Content-MD5': string;
  'X-Signature': string;
};

/** Headers for one amojo call. Pure: callers inject the clock and must re-sign every attempt. */
export function signRequest(input: SignRequestInput): SignedRequestHeaders {
  const date = formatAmojoDate(input.date);
  const md5 = contentMd5(input.body);
  const canonical = canonicalRequest({
    method: input.method,
    contentMd5: md5,
    contentType: AMOJO_CONTENT_TYPE,
    date,
    path: input.path,
  });
  return {
    Date: date,
    'Content-Type': AMOJO_CONTENT_TYPE,
    'Content-MD5': md5,
    'X-Signature': createHmac('sha1', input.secret).update(canonical).digest('hex'),
  };
}
