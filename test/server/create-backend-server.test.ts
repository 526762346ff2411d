import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackendServer, SERVER_LIMITS } from '../../src/server/create-backend-server';

const listen = (server: ReturnType<typeof createBackendServer>) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );

/** A raw socket that writes `text` and collects what the server answers until it closes the connection. */
function rawExchange(port: number, text: string): Promise<{ answer: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ answer, ms: Date.now() - started }));
  });
}

describe('createBackendServer', () => {
  let server: ReturnType<typeof createBackendServer> | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  it("sets every limit instead of Node's defaults", () => {
    server = createBackendServer(() => {});
    expect({
      headersTimeout: server.headersTimeout,
      requestTimeout: server.requestTimeout,
      keepAliveTimeout: server.keepAliveTimeout,
      maxConnections: server.maxConnections,
    }).toEqual({
      headersTimeout: SERVER_LIMITS.headersTimeoutMs,
      requestTimeout: SERVER_LIMITS.requestTimeoutMs,
      keepAliveTimeout: SERVER_LIMITS.keepAliveTimeoutMs,
      maxConnections: SERVER_LIMITS.maxConnections,
    });
    // Chosen in docs/decisions.md: far below Node's 60 s and 300 s, above a proxy's 60 s idle timeout.
    expect(SERVER_LIMITS).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 65_000,
      maxConnections: 512,
      checkIntervalMs: 1_000,
    });
  });

  it('cuts off a client that trickles its headers, with 408', async () => {
    server = createBackendServer((_req, res) => res.end('ok'), {
      ...SERVER_LIMITS,
      headersTimeoutMs: 300,
      requestTimeoutMs: 600,
      checkIntervalMs: 50,
    });
    const port = await listen(server);
    const { answer, ms } = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(5_000);
  });

  it('closes connections beyond maxConnections at once', async () => {
    server = createBackendServer((_req, res) => res.end('ok'), { ...SERVER_LIMITS, maxConnections: 1 });
    const port = await listen(server);
    const held = connect(port, '127.0.0.1');
    await new Promise((resolve) => held.once('connect', resolve));
    // the first socket holds the only slot; the second is dropped before any answer
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { answer } = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(answer).toBe('');
    held.destroy();
  });
});
