import { createServer } from 'node:net';

/** A port nothing listens on now; a backend keeps it across restarts, so hooks and the proxy find it again. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
