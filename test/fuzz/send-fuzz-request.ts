import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { FuzzRequest } from './create-mutator';

export type FuzzAnswer =
  | { kind: 'answer'; status: number; contentType: string; text: string }
  /** The client refused to send it (a header value node:http will not write): nothing reached the server. */
  | { kind: 'unsendable'; message: string }
  /** The connection closed without an answer. */
  | { kind: 'no-answer'; message: string };

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** Sends one request to 127.0.0.1:port and reads the whole answer; never throws. */
export function sendFuzzRequest(port: number, req: FuzzRequest): Promise<FuzzAnswer> {
  if (req.raw) return sendRaw(port, req.raw);
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: FuzzAnswer) => {
      if (!settled) {
        settled = true;
        resolve(answer);
      }
    };
    let client: ReturnType<typeof httpRequest>;
    try {
      client = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: req.method,
          path: req.path,
          agent,
          headers: { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            done({
              kind: 'answer',
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', (error) => done({ kind: 'no-answer', message: error.message }));
        },
      );
    } catch (error) {
      return done({ kind: 'unsendable', message: (error as Error).message });
    }
    client.on('error', (error) => done({ kind: 'no-answer', message: error.message }));
    client.setTimeout(30_000, () => client.destroy(new Error('timed out')));
    client.end(req.body);
  });
}

/** Writes the bytes as they are, half-closes, and reads whatever comes back. */
function sendRaw(port: number, raw: Buffer): Promise<FuzzAnswer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.end(raw));
    socket.setTimeout(30_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (!status) return resolve({ kind: 'no-answer', message: 'closed without an answer' });
      const contentType = /\r\ncontent-type: ([^\r\n]*)/i.exec(text)?.[1] ?? '';
      resolve({
        kind: 'answer',
        status: Number(status[1]),
        contentType,
        text: text.split('\r\n\r\n').slice(1).join('\r\n\r\n'),
      });
    });
  });
}
