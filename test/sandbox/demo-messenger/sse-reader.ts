import type { DemoSnapshot } from '../../../src/sandbox/demo-messenger/demo-messenger-types';

/** Reads the page's `GET /events` stream the way EventSource would, one `state` snapshot at a time. */
export async function openSse(url: string) {
  const abort = new AbortController();
  const response = await fetch(`${url}/events`, { signal: abort.signal });
  if (!response.ok || response.body === null) throw new Error(`SSE answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';

  async function nextFrame(): Promise<{ event: string; data: string }> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = frame.split('\n');
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
        const data = lines
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n');
        if (data !== '') return { event, data };
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('SSE stream ended');
      buffer += value;
    }
  }

  return {
    headers: response.headers,
    /** The first snapshot that passes `predicate`; fails the test after `timeoutMs`. */
    async until(predicate: (snapshot: DemoSnapshot) => boolean, timeoutMs = 3000): Promise<DemoSnapshot> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no matching SSE snapshot in time');
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('no matching SSE snapshot in time')), left);
        });
        const frame = await Promise.race([nextFrame(), timeout]).finally(() => clearTimeout(timer));
        if (frame.event !== 'state') continue;
        const snapshot = JSON.parse(frame.data) as DemoSnapshot;
        if (predicate(snapshot)) return snapshot;
      }
    },
    close: () => abort.abort(),
  };
}
