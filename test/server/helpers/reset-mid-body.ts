import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';

/**
 * Sends a request announcing a 1,000-byte body, sends 10 bytes of it, and resets the connection (TCP RST) once the
 * server has begun to handle the request: a client that went away mid-upload.
 */
export async function resetMidBody(server: Server, method: string, path: string, headers: string[] = []) {
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  socket.on('error', () => {});
  const handling = once(server, 'request');
  socket.write(
    [`${method} ${path} HTTP/1.1`, 'Host: x', 'Content-Type: application/json', 'Content-Length: 1000', ...headers]
      .map((line) => `${line}\r\n`)
      .join(''),
  );
  socket.write('\r\n{"title":"');
  await handling;
  socket.resetAndDestroy();
}
