import { z } from 'zod/mini';

/** The slice of `window` the access popup needs; tests hand in a fake. */
export interface PopupHost {
  open(url: string, target: string, features: string): { readonly closed: boolean } | null;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  setInterval(handler: () => void, ms: number): number;
  clearInterval(id: number): void;
}

export interface GrantPopupOptions {
  readonly host: PopupHost;
  /** amoCRM's access popup (post_message mode), as the backend issued it. */
  readonly url: string;
  /** The backend's origin: its redirect page is the only one whose message counts. */
  readonly backendOrigin: string;
  /** Called once: the redirect page reported back, or the popup was closed without a word. */
  readonly onDone: () => void;
}

/**
 * What the backend's redirect page posts to `window.opener` before it closes itself (`code`, when access was refused,
 * is not read: the refreshed status says what the admin needs to know). `type` is a one-value enum rather than
 * `z.literal`: the same check, without a schema kind the bundle would carry for nothing else.
 */
const grantMessageSchema = z.object({ type: z.enum(['amocrm-channel:grant']), ok: z.boolean() });

/** How often a popup closed without a message is noticed; a closed popup fires no event its opener can hear. */
const closedPollMs = 500;

/**
 * Opens amoCRM's access popup and listens until it reports back or closes. Returns `close()` (which stops listening
 * and polling, not the popup), or null when the browser blocked the popup.
 */
export function startGrantPopup({ host, url, backendOrigin, onDone }: GrantPopupOptions): (() => void) | null {
  const popup = host.open(url, 'amocrm-channel-grant', 'popup,width=760,height=640');
  if (popup === null) return null;
  // once stopped, neither the listener nor the poll is left, so onDone runs at most once
  const close = () => {
    host.removeEventListener('message', onMessage);
    host.clearInterval(timer);
  };
  const finish = () => {
    close();
    onDone();
  };
  // whether access was given or refused, the refreshed status tells; so the message only has to be ours
  const onMessage = (event: MessageEvent) => {
    if (event.origin === backendOrigin && z.safeParse(grantMessageSchema, event.data).success) finish();
  };
  host.addEventListener('message', onMessage);
  const timer = host.setInterval(() => {
    if (popup.closed) finish();
  }, closedPollMs);
  return close;
}
