/** What the amojo client and the relay read of an HTTP answer; the platform's Response has all of it. */
export interface ResponseLike {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export interface RequestInitLike {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  signal?: AbortSignal;
  redirect?: 'manual' | 'follow' | 'error';
}

/**
 * The slice of fetch the amojo client and the relay call. The platform's fetch is one; the relay's own transport
 * (createHttpFetch) is another that skips building web Request and Response objects on its hot path.
 */
export type FetchLike = (url: string, init?: RequestInitLike) => Promise<ResponseLike>;

/** An answer whose body is read as it arrives (files); the platform's Response has all of it too. */
export interface StreamResponseLike extends Omit<ResponseLike, 'text'> {
  readonly body: (AsyncIterable<Uint8Array> & { cancel(): Promise<void> }) | null;
}

/** The slice of fetch the media mirror calls: the platform's fetch, or createStreamFetch with the egress guard. */
export type StreamFetchLike = (url: string, init?: RequestInitLike) => Promise<StreamResponseLike>;
