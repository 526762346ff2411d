import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyWebhook } from '../src/amojo/verify-webhook';

/** A hook as the floors take it: its id, its chat, its text, and how to answer it once stored (or not). */
export interface FloorHook {
  key: string;
  chat: string;
  text: string;
  done(): void;
  fail(): void;
}

/**
 * The request handling every durable floor shares (durable-floor.ts on SQLite, postgres-durable-floor.ts): read the
 * body, check the HMAC, parse the JSON for the message and chat ids, and hand the hook to `take`, which answers it
 * once stored. Shared, so the floors differ only in how they store.
 */
export function floorHookListener(secret: string, take: (hook: FloorHook) => void) {
  const answer = (res: ServerResponse, status: number) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (!verifyWebhook({ body, signature: req.headers['x-signature'] as string, secrets: [secret] })) {
        answer(res, 401);
        return;
      }
      const text = body.toString('utf8');
      const { message } = JSON.parse(text) as { message: { conversation: { id: string }; message: { id: string } } };
      take({
        key: message.message.id,
        chat: message.conversation.id,
        text,
        done: () => answer(res, 200),
        fail: () => answer(res, 500),
      });
    });
  };
}
