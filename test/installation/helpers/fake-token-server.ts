import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeAmocrmTokens } from './fake-amocrm-tokens';

/**
 * amoCRM's token endpoint over HTTP for processes of their own: `POST /oauth2/access_token` with a refresh grant
 * (single use, as createFakeAmocrmTokens), answered after `answerDelayMs` so that a second refresher, if it were not
 * held off, would arrive while the first is in flight. `GET /ready` is a barrier: it answers once `parties` callers
 * are waiting, so children that took different times to start race from the same moment.
 */
export async function startFakeTokenServer(options: { parties: number; answerDelayMs: number }) {
  const amo = createFakeAmocrmTokens(Date.now);
  const waiting: ServerResponse[] = [];
  const requests: { grantType: unknown; refreshToken: unknown }[] = [];

  const readJson = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  };

  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/ready') {
      waiting.push(res);
      if (waiting.length >= options.parties) for (const r of waiting.splice(0)) r.end('go');
      return;
    }
    if (req.method === 'POST' && req.url === '/oauth2/access_token') {
      void (async () => {
        const body = await readJson(req);
        requests.push({ grantType: body.grant_type, refreshToken: body.refresh_token });
        try {
          const pair = await amo.grant.refresh('', String(body.refresh_token));
          await new Promise((resolve) => setTimeout(resolve, options.answerDelayMs));
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              token_type: 'Bearer',
              expires_in: 86_400,
              access_token: pair.accessToken,
              refresh_token: pair.refreshToken,
            }),
          );
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ hint: 'Token has been revoked' }));
        }
      })();
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    amo,
    /** Every grant request received, refused ones included. */
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
