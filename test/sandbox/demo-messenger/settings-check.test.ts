import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractCredentials } from '../../../src/sandbox/demo-messenger/extract-credentials';
import { API_KEY, type Messenger, SIGNING_SECRET, startMessenger } from './harness';

const NEW_KEY = 'ck_relinked_7Qk2Zr9Vb4Xn1Lp8Hs3Dt6Fw0Gy5Jm';
const NEW_SECRET = 'cs_relinked_Ux4Rz8Qn2Kw6Tb1Vy9Ld3Hp7Sm0Fc5';

describe('extractCredentials', () => {
  it('finds the key and the secret by their prefixes in whatever was pasted', () => {
    expect(extractCredentials(`${API_KEY}\n${SIGNING_SECRET}\n`)).toEqual({
      apiKey: API_KEY,
      signingSecret: SIGNING_SECRET,
      ambiguous: [],
    });
    const labelled = `Signing secret: "${SIGNING_SECRET}"\r\nAPI key:\t${API_KEY}.`;
    expect(extractCredentials(labelled)).toMatchObject({ apiKey: API_KEY, signingSecret: SIGNING_SECRET });
    expect(extractCredentials(JSON.stringify({ api_key: API_KEY }))).toEqual({ apiKey: API_KEY, ambiguous: [] });
    expect(extractCredentials(`${API_KEY} ${API_KEY}`)).toEqual({ apiKey: API_KEY, ambiguous: [] });
  });

  it('does not take a "cs_" inside a key for a secret, nor short fragments, and flags two different keys', () => {
    expect(extractCredentials('ck_abcdefghijklmnopqrstcs_abcdefghijklmnopqrst')).toEqual({
      apiKey: 'ck_abcdefghijklmnopqrstcs_abcdefghijklmnopqrst',
      ambiguous: [],
    });
    expect(extractCredentials('ck_short cs_short')).toEqual({ ambiguous: [] });
    expect(extractCredentials(`${API_KEY}\n${NEW_KEY}\n${SIGNING_SECRET}`)).toEqual({
      signingSecret: SIGNING_SECRET,
      ambiguous: ['apiKey'],
    });
  });
});

describe('demo messenger: saving the settings checks them with the bridge first', () => {
  let m: Messenger;
  beforeEach(async () => {
    m = await startMessenger();
  });
  afterEach(() => m.close());

  const put = (body: unknown) => m.api('PUT', '/api/settings', body);
  const settings = () => m.messenger.state().settings;

  it('saves a key and secret that /me accepts and whose answer verifies, naming the linked account', async () => {
    const saved = await put({ apiKey: API_KEY, signingSecret: SIGNING_SECRET });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ configured: true, link: { title: 'Demo shop', subdomain: 'demoshop' } });
    expect(m.bridge.meCalls.map((c) => [c.method, c.authorization])).toEqual([['GET', `Bearer ${API_KEY}`]]);
  });

  it('refuses a wrong API key with a clear error and saves nothing', async () => {
    const refused = await put({ apiKey: 'ck_wrong_0000000000000000000000', signingSecret: SIGNING_SECRET });
    expect(refused.status).toBe(422);
    expect(refused.json.error.code).toBe('api_key_invalid');
    expect(refused.json.error.message).toMatch(/does not accept this API key/);
    expect(settings()).toMatchObject({ apiKeyHint: null, signingSecretHint: null, configured: false, link: null });
  });

  it('refuses a stale signing secret: "the signing secret does not match", and nothing is marked connected', async () => {
    const refused = await put({ apiKey: API_KEY, signingSecret: 'cs_from_before_the_relink_00000000000' });
    expect(refused.status).toBe(422);
    expect(refused.json.error).toMatchObject({ code: 'signing_secret_mismatch' });
    expect(refused.json.error.message).toMatch(/^The signing secret does not match/);
    expect(settings()).toMatchObject({ configured: false, apiKeyHint: null, link: null });
  });

  it('after a relink, keeps the old settings until both new credentials are pasted', async () => {
    await m.configure();
    m.bridge.link.apiKey = NEW_KEY;
    m.bridge.link.signingSecret = NEW_SECRET;
    // Only the new key: the saved (old) secret no longer matches it.
    const half = await put({ apiKey: NEW_KEY });
    expect(half.json.error.code).toBe('signing_secret_mismatch');
    expect(settings().apiKeyHint).toBe('ck_liv…');
    expect((await put({ apiKey: NEW_KEY, signingSecret: NEW_SECRET })).status).toBe(200);
    expect(settings()).toMatchObject({ apiKeyHint: 'ck_rel…', signingSecretHint: 'cs_rel…', configured: true });
  });

  it('saves a key alone once /me accepts it, without calling the messenger connected', async () => {
    const saved = await put({ apiKey: API_KEY });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ configured: false, signingSecretHint: null, link: { title: 'Demo shop' } });
  });

  it('says so when the bridge cannot be reached, and saves nothing', async () => {
    const refused = await put({ bridgeUrl: 'http://127.0.0.1:9', apiKey: API_KEY, signingSecret: SIGNING_SECRET });
    expect(refused.status).toBe(502);
    expect(refused.json.error.code).toBe('bridge_unreachable');
    expect(settings()).toMatchObject({ bridgeUrl: m.bridge.url, configured: false });
  });

  it('takes both credentials from one paste, in any order and with labels around them', async () => {
    const saved = await put({ credentials: `API key: ${API_KEY}\nSigning secret: ${SIGNING_SECRET}\n` });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ apiKeyHint: 'ck_liv…', signingSecretHint: 'cs_8c1…', configured: true });
  });

  it('names what is wrong with a paste: nothing found, two keys, or a secret that does not match', async () => {
    const nothing = await put({ credentials: 'hello' });
    expect([nothing.status, nothing.json.error.code]).toEqual([400, 'credentials_not_found']);
    const two = await put({ credentials: `${API_KEY}\n${NEW_KEY}\n${SIGNING_SECRET}` });
    expect([two.status, two.json.error.code]).toEqual([400, 'credentials_ambiguous']);
    expect(two.json.error.message).toMatch(/two different API keys/);
    const stale = await put({ credentials: `${API_KEY}\n${NEW_SECRET}` });
    expect([stale.status, stale.json.error.code]).toEqual([422, 'signing_secret_mismatch']);
    expect(settings().configured).toBe(false);
    expect(m.bridge.meCalls).toHaveLength(1);
  });

  it('updateSettings() rejects a refused save and resolves with the public settings otherwise', async () => {
    await expect(m.messenger.updateSettings({ apiKey: 'ck_wrong_0000000000000000000000' })).rejects.toThrow(
      /api_key_invalid/,
    );
    await expect(m.messenger.updateSettings({ apiKey: API_KEY, signingSecret: SIGNING_SECRET })).resolves.toMatchObject(
      { configured: true },
    );
  });

  it('notices when saved credentials stop working: a refused key marks them not connected, with why', async () => {
    await m.configure();
    const conversation = await m.openConversation();
    m.bridge.link.apiKey = NEW_KEY;
    const refusal = { status: 401, body: { error: { code: 'auth_invalid', message: 'The API key is not valid.' } } };
    m.bridge.respond('/bridge/v1/messages', refusal);
    await m.api('POST', `/api/conversations/${conversation.id}/messages`, { type: 'text', text: 'hello?' });
    const seen = await m.messenger.waitFor((s) => s.settings.problem !== null, 2000);
    expect(seen.settings).toMatchObject({ configured: false, problem: { code: 'api_key_invalid' } });
    m.bridge.link.signingSecret = NEW_SECRET;
    await put({ credentials: `${NEW_KEY}\n${NEW_SECRET}` });
    expect(settings()).toMatchObject({ configured: true, problem: null });
  });
});

describe('demo messenger: saved credentials are checked again at start', () => {
  it('starts not connected, saying why, when the saved secret went stale meanwhile (a relink)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-messenger-'));
    const dataFile = join(dir, 'settings.json');
    const first = await startMessenger({ dataFile });
    let second: Messenger | undefined;
    try {
      await first.configure();
      await first.messenger.close();
      first.bridge.link.signingSecret = NEW_SECRET;
      second = await startMessenger({ dataFile, bridgeUrl: first.bridge.url });
      const seen = await second.messenger.waitFor((s) => s.settings.problem !== null, 2000);
      expect(seen.settings).toMatchObject({ configured: false, problem: { code: 'signing_secret_mismatch' } });
      expect(seen.settings.problem?.message).toMatch(/^The signing secret does not match/);
    } finally {
      await second?.close();
      await first.bridge.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts connected, naming the account, when the saved credentials still work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-messenger-'));
    const dataFile = join(dir, 'settings.json');
    const first = await startMessenger({ dataFile });
    let second: Messenger | undefined;
    try {
      await first.configure();
      await first.messenger.close();
      second = await startMessenger({ dataFile, bridgeUrl: first.bridge.url });
      const seen = await second.messenger.waitFor((s) => s.settings.link !== null, 2000);
      expect(seen.settings).toMatchObject({ configured: true, problem: null, link: { title: 'Demo shop' } });
    } finally {
      await second?.close();
      await first.bridge.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
