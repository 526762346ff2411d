import { AmojoError } from './amojo-error';

/**
 * An id as one segment of a signed amojo path. Encoding keeps `/`, `?` and `#` inside the segment, but `.` and `..`
 * encode to themselves and URL parsing then removes or climbs them: a message id of `..` would send the signed
 * delivery_status to another path (and the signature, made over the path as written, would not match it). An
 * empty id would leave `//`. Those are refused before anything is sent; a retry cannot change them.
 */
export function pathSegment(id: string, endpoint: string): string {
  const segment = encodeURIComponent(id);
  if (segment === '' || segment === '.' || segment === '..') {
    throw new AmojoError('invalid_request', `${JSON.stringify(id)} cannot be a URL path segment; not sent`, {
      endpoint,
      details: [{ path: '', message: 'an id in the URL path must not be empty, "." or ".."' }],
    });
  }
  return segment;
}
