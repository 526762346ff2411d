import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readCappedIncoming } from '../../src/http/read-capped-body';

// The node:http body reader the webhook binding and the bridge share.
describe('readCappedIncoming', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  /** Sends `raw` over a socket to a server that reads with a 16-byte cap; resolves with what the reader settled to. */
  async function read(raw: string, hangUp = false): Promise<string> {
    let settle: (outcome: string) => void = () => {};
    const outcome = new Promise<string>((resolve) => {
      settle = resolve;
    });
    const running = createServer((req: IncomingMessage, res) => {
      readCappedIncoming(req, 16).then(
        (bytes) => {
          settle(bytes === null ? 'too large' : `bytes ${Buffer.from(bytes).toString()}`);
          res.end();
        },
        (error: Error) => settle(`rejected: ${error.message}`),
      );
    });
    server = running;
    await new Promise<void>((r) => running.listen(0, '127.0.0.1', () => r()));
    const socket = connect((running.address() as AddressInfo).port, '127.0.0.1');
    socket.write(`POST / HTTP/1.1\r\nHost: x\r\n${raw}`);
    if (hangUp) setTimeout(() => socket.destroy(), 50);
    const settled = await outcome;
    socket.destroy();
    return settled;
  }

  it('returns the body whole, in one chunk or many', async () => {
    expect(await read('Content-Length: 5\r\n\r\nhello')).toBe('bytes hello');
    expect(await read('Transfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n')).toBe('bytes hello');
  });

  it('answers null for a declared or a counted body over the cap, without waiting for the rest', async () => {
    expect(await read('Content-Length: 100000\r\n\r\n{')).toBe('too large');
    expect(await read(`Transfer-Encoding: chunked\r\n\r\n14\r\n${'x'.repeat(20)}\r\n`)).toBe('too large');
  });

  it('rejects when the client hangs up before the body ends', async () => {
    // node reports it as 'aborted' or as an early close, depending on timing; either way the read does not hang.
    expect(await read('Content-Length: 10\r\n\r\nabc', true)).toMatch(
      /^rejected: (aborted|the client closed the request before its body ended)$/,
    );
  });
});
