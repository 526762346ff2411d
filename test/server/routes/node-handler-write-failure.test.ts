import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createAmojoWebhookNodeHandler } from '../../../src/server/routes/amojo-webhook-node-handler';

// A binding that answers outside any framework must survive its own answer failing to be written: a rejection left
// unheard would end the process.
describe('a node:http binding whose answer cannot be written', () => {
  it('logs the failure and drops the connection instead of leaving the rejection unheard', async () => {
    const errors: string[] = [];
    const logger = { warn: () => {}, error: (_: unknown, message: string) => errors.push(message) } as never;
    const hooks = createAmojoWebhookNodeHandler({
      channelId: 'c',
      secrets: ['s'],
      lookupScope: async () => undefined,
      persist: async () => 'new',
      logger,
    });
    const server = createServer((req, res) => {
      res.writeHead = () => {
        throw new Error('socket torn down');
      };
      hooks(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(
        fetch(`http://127.0.0.1:${port}/amojo/webhook/c_x`, { method: 'POST', body: '{}' }),
      ).rejects.toThrow();
      expect(errors).toEqual(['could not write the hook answer']);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
