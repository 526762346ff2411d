import type { InboxState } from '../page-types';

async function answer<T>(response: Response): Promise<T> {
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (body as { error?: unknown } | null)?.error;
    throw new Error(typeof error === 'string' ? error : `HTTP ${response.status}`);
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
