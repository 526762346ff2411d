import { describe, expect, it } from 'vitest';
import { startDemoMessenger } from '../../../src/sandbox/demo-messenger/start-demo-messenger';
import { docEvent, startMessenger } from './harness';

describe('startDemoMessenger', () => {
  it('listens on an ephemeral 127.0.0.1 port and names its webhook URL there', async () => {
    const messenger = await startDemoMessenger();
    try {
      expect(messenger.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(messenger.url).not.toBe('http://127.0.0.1:0');
      expect(messenger.webhookUrl).toBe(`${messenger.url}/webhook`);
      expect(messenger.state().settings).toEqual({
        bridgeUrl: null,
        apiKeyHint: null,
        signingSecretHint: null,
        configured: false,
        link: null,
        problem: null,
        webhookUrl: messenger.webhookUrl,
      });
    } finally {
      await messenger.close();
    }
    await expect(fetch(messenger.url)).rejects.toThrow();
  });

  it('uses publicUrl for the webhook URL and the sample picture links', async () => {
    const messenger = await startDemoMessenger({ publicUrl: 'https://messenger.example.test/' });
    try {
      expect(messenger.webhookUrl).toBe('https://messenger.example.test/webhook');
      expect(messenger.state().samples.map((s) => s.url)).toEqual([
        'https://messenger.example.test/media/sample-1.png',
        'https://messenger.example.test/media/sample-2.png',
        'https://messenger.example.test/media/sample-3.png',
      ]);
    } finally {
      await messenger.close();
    }
  });

  it('rejects when the port is taken', async () => {
    const first = await startDemoMessenger();
    try {
      const port = Number(new URL(first.url).port);
      await expect(startDemoMessenger({ port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });

  it('waitFor resolves on the first matching change and rejects after its timeout', async () => {
    const m = await startMessenger();
    try {
      await m.configure();
      const started = m.messenger.waitFor((s) => s.conversations.length === 1, 3000);
      await m.deliver(docEvent('hook-message-v2-picture.json', { eventId: 'evt-wait' }));
      expect((await started).conversations[0]?.messages).toHaveLength(1);
      await expect(m.messenger.waitFor((s) => s.conversations.length === 2, 50)).rejects.toThrow(/within 50 ms/);
    } finally {
      await m.close();
    }
  });
});
