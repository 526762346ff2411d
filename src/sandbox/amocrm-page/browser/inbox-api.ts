import type { InboxState } from '../page-types';

/** A refused inbox action: the server's message and the fields it named (`errors[].path`, e.g. `phone`). */
export class InboxApiError extends Error {
  override readonly name = 'InboxApiError';

  constructor(
    message: string,
    readonly status: number,
    readonly paths: readonly string[],
  ) {
    super(message);
  }
}

async function answer<T>(response: Response): Promise<T> {
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const { error, errors } = (body ?? {}) as { error?: unknown; errors?: unknown };
    const paths = Array.isArray(errors)
      ? errors.map((issue: { path?: unknown }) => issue?.path).filter((path) => typeof path === 'string')
      : [];
    throw new InboxApiError(typeof error === 'string' ? error : `HTTP ${response.status}`, response.status, paths);
  }
  return body as T;
}

/** The page server's inbox endpoints, which act on the amojo emulator. */
export const inboxApi = {
  async state(chatId: string | null): Promise<InboxState> {
    const query = chatId === null ? '' : `?chat=${encodeURIComponent(chatId)}`;
    return answer<InboxState>(await fetch(`/_sandbox/inbox/state${query}`));
  },
  async post<T = unknown>(action: 'messages' | 'typing' | 'reactions' | 'write-first', body: unknown): Promise<T> {
    const response = await fetch(`/_sandbox/inbox/${action}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return answer<T>(response);
  },
};
