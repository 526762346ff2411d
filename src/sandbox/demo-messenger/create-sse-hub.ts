const encoder = new TextEncoder();

export interface SseHub {
  /** A new `text/event-stream` response that gets the current snapshot now and again after every change. */
  connect(): Response;
  /** Sends the snapshot to every open stream; several changes in one tick go out once. */
  broadcast(): void;
  close(): void;
}

/** Server-Sent Events with whole snapshots: the demo's state is small, and a page that missed one catches up. */
export function createSseHub(snapshot: () => unknown, heartbeatMs = 15_000): SseHub {
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  let scheduled = false;

  const frame = () => encoder.encode(`event: state\ndata: ${JSON.stringify(snapshot())}\n\n`);
  const send = (stream: ReadableStreamDefaultController<Uint8Array>, chunk: Uint8Array) => {
    try {
      stream.enqueue(chunk);
    } catch {
      streams.delete(stream);
    }
  };
  // A comment line now and then keeps proxies and idle timers from closing a quiet stream.
  const heartbeat = setInterval(() => {
    for (const stream of streams) send(stream, encoder.encode(': ping\n\n'));
  }, heartbeatMs);
  heartbeat.unref();

  return {
    connect() {
      let own: ReadableStreamDefaultController<Uint8Array> | undefined;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          own = controller;
          streams.add(controller);
          controller.enqueue(encoder.encode('retry: 1000\n\n'));
          controller.enqueue(frame());
        },
        cancel() {
          if (own !== undefined) streams.delete(own);
        },
      });
      return new Response(body, {
        headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' },
      });
    },
    broadcast() {
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(() => {
        scheduled = false;
        if (streams.size === 0) return;
        const chunk = frame();
        for (const stream of streams) send(stream, chunk);
      });
    },
    close() {
      clearInterval(heartbeat);
      for (const stream of streams) {
        try {
          stream.close();
        } catch {
          // already closed by the client
        }
      }
      streams.clear();
    },
  };
}
