import { describe, expect, it } from 'vitest';
import { type PopupHost, startGrantPopup } from '../../../widget/host/start-grant-popup';

const backendOrigin = 'https://channel.example.com';
const url = 'https://www.amocrm.ru/oauth?client_id=c&state=s&mode=post_message';

/** A window whose popup, message listeners and 500 ms poll the test drives by hand. */
function fakeWindow(blocked = false) {
  const popup = { closed: false };
  const opened: string[] = [];
  const listeners = new Set<(event: MessageEvent) => void>();
  const timers = new Map<number, () => void>();
  const host: PopupHost = {
    open(target) {
      opened.push(target);
      return blocked ? null : popup;
    },
    addEventListener: (_type, listener) => listeners.add(listener),
    removeEventListener: (_type, listener) => listeners.delete(listener),
    setInterval(handler) {
      timers.set(timers.size + 1, handler);
      return timers.size;
    },
    clearInterval: (id) => timers.delete(id),
  };
  return {
    host,
    popup,
    opened,
    listeners,
    timers,
    post: (origin: string, data: unknown) => {
      for (const listener of [...listeners]) listener(new MessageEvent('message', { origin, data }));
    },
    tick: () => {
      for (const handler of [...timers.values()]) handler();
    },
  };
}

describe('startGrantPopup', () => {
  it('opens the grant URL and ends once on the redirect page message from the backend origin', () => {
    const w = fakeWindow();
    let done = 0;
    const close = startGrantPopup({ host: w.host, url, backendOrigin, onDone: () => done++ });
    expect(close).not.toBeNull();
    expect(w.opened).toEqual([url]);
    w.post(backendOrigin, { type: 'amocrm-channel:grant', ok: true, code: 'abc' });
    expect(done).toBe(1);
    expect(w.listeners.size).toBe(0);
    expect(w.timers.size).toBe(0);
    w.popup.closed = true;
    w.tick();
    expect(done).toBe(1);
  });

  it('ignores messages from another origin and messages of another shape', () => {
    const w = fakeWindow();
    let done = 0;
    startGrantPopup({ host: w.host, url, backendOrigin, onDone: () => done++ });
    w.post('https://evil.example', { type: 'amocrm-channel:grant', ok: true });
    w.post(backendOrigin, { type: 'something-else', ok: true });
    w.post(backendOrigin, 'amocrm-channel:grant');
    expect(done).toBe(0);
    w.post(backendOrigin, { type: 'amocrm-channel:grant', ok: false });
    expect(done).toBe(1);
  });

  it('ends when the popup is closed without a message', () => {
    const w = fakeWindow();
    let done = 0;
    startGrantPopup({ host: w.host, url, backendOrigin, onDone: () => done++ });
    w.tick();
    expect(done).toBe(0);
    w.popup.closed = true;
    w.tick();
    expect(done).toBe(1);
    expect(w.timers.size).toBe(0);
  });

  it('returns null for a blocked popup, and close() stops listening without calling back', () => {
    expect(startGrantPopup({ host: fakeWindow(true).host, url, backendOrigin, onDone: () => {} })).toBeNull();
    const w = fakeWindow();
    let done = 0;
    startGrantPopup({ host: w.host, url, backendOrigin, onDone: () => done++ })?.();
    expect(w.listeners.size).toBe(0);
    expect(w.timers.size).toBe(0);
    w.post(backendOrigin, { type: 'amocrm-channel:grant', ok: true });
    expect(done).toBe(0);
  });
});
