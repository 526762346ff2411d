import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAmojoEmulator, startAmojoEmulator } from '../../src/sandbox/amojo-emulator/start-amojo-emulator';

const CHANNEL = '344a5002-f8ca-454d-af3d-396180102ac7';
const SECRET = 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e';
const ACCOUNT = '52e591f7-c98f-4255-8495-827210138c81';

// "Passing the emulator means passing amojo" only holds if a client that shares none of our code,
// written from the docs, passes it too, and is refused where amojo would refuse it.
describe('an independent client (Python, from the docs) against the emulator', () => {
  let emulator: RunningAmojoEmulator;
  let results: Record<string, unknown>;

  beforeAll(async () => {
    emulator = await startAmojoEmulator({
      channelId: CHANNEL,
      secret: SECRET,
      hookUrl: 'http://127.0.0.1:9/:scope_id',
    });
    const script = new URL('./amojo_client.py', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)('python3', [script, emulator.url, CHANNEL, SECRET, ACCOUNT]);
    results = JSON.parse(stdout);
  }, 30_000);
  afterAll(() => emulator?.close());

  it('connects and gets the <channel>_<account> scope', () => {
    expect(results.connect).toEqual([
      200,
      expect.objectContaining({ account_id: ACCOUNT, scope_id: `${CHANNEL}_${ACCOUNT}`, hook_api_version: 'v2' }),
    ]);
  });

  it('creates a chat and sends every message type', () => {
    expect(results.create_chat).toEqual([200, expect.objectContaining({ id: expect.any(String) })]);
    const messages = results.messages as Record<string, [number, { new_message: { msgid: string; ref_id: string } }]>;
    expect(Object.keys(messages)).toEqual([
      'text',
      'contact',
      'file',
      'video',
      'picture',
      'voice',
      'audio',
      'sticker',
      'location',
    ]);
    Object.values(messages).forEach(([status, body], index) => {
      expect(status).toBe(200);
      expect(body.new_message.ref_id).toBe(`py-${index}`);
      expect(body.new_message.msgid).not.toBe(`py-${index}`);
    });
  });

  it('refuses a repeated msgid, and takes typing, reactions, history and statuses', () => {
    expect(results.duplicate).toEqual([400, expect.objectContaining({ error_type: 'duplicate_msgid' })]);
    expect(results.typing).toEqual([204, null]);
    expect(results.react).toEqual([200, null]);
    const [status, history] = results.history as [number, { messages: unknown[] }];
    expect(status).toBe(200);
    expect(history.messages).toHaveLength(9);
    expect(results.delivery_status).toEqual([200, null]);
  });

  it('is refused with 403 for a wrong secret, a stale date or a body hash that is not the body', () => {
    expect([results.wrong_secret, results.stale_date, results.wrong_md5]).toEqual([403, 403, 403]);
  });

  it('disconnects, after which the scope is gone', () => {
    expect(results.disconnect).toEqual([200, null]);
    expect(results.after_disconnect).toBe(404);
  });
});
