import { problemResponse } from './problem-response';

export type ApiBody = { ok: true; value: unknown } | { ok: false; response: Response };

/**
 * The JSON body of a write: the docs name `Content-Type: application/json` for every one (a `; charset` is fine).
 * Another media type or a body that is not JSON is a 400, before anything is looked at.
 */
export async function readApiBody(request: Request): Promise<ApiBody> {
  const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return {
      ok: false,
      response: problemResponse(400, 'Send the body as application/json', { reason: 'unsupported_content_type' }),
    };
  }
  try {
    return { ok: true, value: JSON.parse(await request.text()) };
  } catch {
    return { ok: false, response: problemResponse(400, 'The body is not valid JSON', { reason: 'malformed_body' }) };
  }
}
