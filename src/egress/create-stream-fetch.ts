import { headersOf } from './create-http-fetch';
import { createHttpTransport, type HttpTransportOptions } from './create-http-transport';
import type { StreamFetchLike } from './fetch-like';

/**
 * A fetch whose answer body is read as a stream, for files (media mirroring): the bytes go to disk as they come
 * instead of into memory, and the reader caps them. Same transport, keep-alive and guard as createHttpFetch.
 */
export function createStreamFetch(options: HttpTransportOptions = {}): StreamFetchLike {
  const send = createHttpTransport(options);
  return async (input, init = {}) => {
    const response = await send(input, init);
    const status = response.statusCode ?? 0;
    return {
      status,
      ok: status >= 200 && status < 300,
      headers: headersOf(response),
      body: {
        [Symbol.asyncIterator]: () => response[Symbol.asyncIterator](),
        cancel: async () => void response.destroy(),
      },
    };
  };
}
