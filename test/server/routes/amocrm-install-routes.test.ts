import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveOAuthStateKey, issueOAuthState } from '../../../src/installation/oauth-state';
import { createLogger } from '../../../src/observability/create-logger';
import { loadGrantPageTexts } from '../../../src/server/routes/amocrm-install/grant-page-texts';
import { amocrmInstallRoutes } from '../../../src/server/routes/amocrm-install-routes';
import { findInstallation } from '../../../src/store/installations-repo';
import { findLinkById } from '../../../src/store/links-repo';
import { enqueue, findJobByKey } from '../../../src/store/outbox-repo';
import { createSecretBox } from '../../../src/store/secret-box';
import { seedInstallation } from '../../helpers/seed-installation';
import { seedLink } from '../../store/helpers/seed-link';
import { describeEachDatabase } from '../../store/helpers/test-databases';

const key = randomBytes(32).toString('base64');
const CLIENT_ID = '5b6a0f8e-1c2d-4e3f-8a9b-0c1d2e3f4a5b';
const CLIENT_SECRET = 'integration-secret-for-tests';
const NOW = 1_800_000_000_000;
const texts = loadGrantPageTexts(new URL('../../../i18n/', import.meta.url));

describeEachDatabase('amoCRM install routes', (t) => {
  const stateKey = deriveOAuthStateKey(key);
  let queued = 0;
  const app = () =>
    amocrmInstallRoutes({
      db: t.db,
      secretBox: createSecretBox(key),
      redirectPath: '/amocrm/oauth',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      stateKey,
      texts,
      onQueued: () => {
        queued += 1;
      },
      now: () => NOW,
      waitMs: 50,
      logger: createLogger({ level: 'silent' }),
    });
  const get = (path: string, headers: Record<string, string> = {}) =>
    app().request(`http://backend.test${path}`, { headers });
  const jobsOf = (kind: string) => t.db.selectFrom('outbox').selectAll().where('kind', '=', kind).execute();
  const jobs = () => jobsOf('amocrm.install');

  describe('the redirect URI', () => {
    it('queues the install webhook at once, with the code sealed, and answers 200', async () => {
      queued = 0;
      const res = await get('/amocrm/oauth?code=def50200secretcode&referer=acme.amocrm.ru&from_widget=1&platform=1');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ outcome: 'queued', ok: true });
      const [job] = await jobs();
      expect(job?.payload).not.toContain('def50200secretcode');
      expect(JSON.parse(job?.payload ?? '{}')).toMatchObject({ kind: 'amocrm.install', host: 'acme.amocrm.ru' });
      expect(queued).toBe(1);
    });

    it('writes one job for a replayed code', async () => {
      for (let i = 0; i < 2; i += 1) await get('/amocrm/oauth?code=same-code&referer=acme.amocrm.ru&from_widget=1');
      expect(await jobs()).toHaveLength(1);
    });

    it.each([
      'evil.example.com',
      'acme.amocrm.ru.evil.example',
      'https://user@acme.amocrm.ru',
      'https://acme.amocrm.ru:8443',
      'http://acme.amocrm.ru',
      'www.amocrm.ru',
      'acme.amocrm.ru/path',
    ])('refuses the referer %s before anything is queued', async (referer) => {
      const res = await get(`/amocrm/oauth?code=c1&referer=${encodeURIComponent(referer)}&from_widget=1`);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ outcome: 'referer_invalid', ok: false });
      expect(await jobs()).toHaveLength(0);
    });

    it('refuses a missing code and access_denied without changing anything', async () => {
      expect((await get('/amocrm/oauth?referer=acme.amocrm.ru')).status).toBe(400);
      const denied = await get('/amocrm/oauth?error=access_denied');
      expect(denied.status).toBe(403);
      expect(await denied.json()).toEqual({ outcome: 'access_denied', ok: false });
      expect(await jobs()).toHaveLength(0);
    });

    it('refuses a state it did not issue, an expired one and a reused one', async () => {
      const foreign = issueOAuthState({
        key: deriveOAuthStateKey(randomBytes(32).toString('base64')),
        accountId: 7,
        lang: 'en',
        now: NOW,
      });
      const expired = issueOAuthState({ key: stateKey, accountId: 7, lang: 'en', now: NOW - 3_600_000 });
      const good = issueOAuthState({ key: stateKey, accountId: 7, lang: 'en', now: NOW });
      const html = { accept: 'text/html' };
      for (const state of [foreign, expired, 'garbage']) {
        const res = await get(`/amocrm/oauth?code=c2&referer=acme.amocrm.ru&state=${encodeURIComponent(state)}`, html);
        expect(res.status).toBe(400);
        expect(await res.text()).toContain('data-outcome="state_invalid"');
      }
      const first = await get(`/amocrm/oauth?code=c3&referer=acme.amocrm.ru&state=${encodeURIComponent(good)}`, html);
      expect(first.status).toBe(200);
      const again = await get(`/amocrm/oauth?code=c4&referer=acme.amocrm.ru&state=${encodeURIComponent(good)}`, html);
      expect(again.status).toBe(400);
      expect(await jobs()).toHaveLength(1);
    });

    it('tells the opener in post_message mode, in the state language, under a CSP nonce', async () => {
      const state = issueOAuthState({ key: stateKey, accountId: 7, lang: 'ru', now: NOW });
      const res = await get(`/amocrm/oauth?error=access_denied&state=${encodeURIComponent(state)}`);
      expect(res.status).toBe(403);
      const body = await res.text();
      expect(body).toContain('<html lang="ru">');
      expect(body).toContain(texts.ru.access_denied);
      expect(body).toContain('"type":"amocrm-channel:grant","ok":false,"code":"access_denied"');
      const nonce = /script-src 'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
      expect(body).toContain(`<script nonce="${nonce}">`);
    });

    it('follows the browser language when the state names none', async () => {
      const state = issueOAuthState({ key: stateKey, accountId: 7, now: NOW });
      const res = await get(`/amocrm/oauth?error=access_denied&state=${encodeURIComponent(state)}`, {
        'accept-language': 'es-MX,es;q=0.9,en;q=0.5',
      });
      expect(await res.text()).toContain('<html lang="es">');
    });

    it('refuses more than 10 codes a minute for one account host, queueing nothing past the limit', async () => {
      for (let i = 0; i < 10; i += 1) {
        expect((await get(`/amocrm/oauth?code=burst-${i}&referer=flood.amocrm.ru&from_widget=1`)).status).toBe(200);
      }
      const past = await get('/amocrm/oauth?code=burst-10&referer=flood.amocrm.ru&from_widget=1');
      expect(past.status).toBe(429);
      expect(await past.json()).toEqual({ outcome: 'busy', ok: false });
      expect(await jobs()).toHaveLength(10);
      // Another account's install is not held up by the flood.
      expect((await get('/amocrm/oauth?code=other&referer=acme.amocrm.ru&from_widget=1')).status).toBe(200);
    });

    it('makes the popup wait for the exchange and says it is still running when it is slow', async () => {
      const state = issueOAuthState({ key: stateKey, accountId: 7, lang: 'en', now: NOW });
      const res = await get(`/amocrm/oauth?code=slow&referer=acme.amocrm.ru&state=${encodeURIComponent(state)}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('data-outcome="pending"');
      const [job] = await jobs();
      expect(JSON.parse(job?.payload ?? '{}')).toMatchObject({ expectedAccountId: 7 });
    });
  });

  describe('the disconnect hook', () => {
    const sign = (accountId: number | string, secret = CLIENT_SECRET, clientId = CLIENT_ID) =>
      createHmac('sha256', secret).update(`${clientId}|${accountId}`).digest('hex');
    const hook = (query: Record<string, string>) => get(`/amocrm/disconnect?${new URLSearchParams(query)}`);

    async function installedAndLinked() {
      const link = await seedLink(t.db);
      await seedInstallation(
        t.db,
        { accountId: link.accountId, subdomain: link.subdomain, amojoId: link.amojoId },
        NOW,
      );
      await enqueue(t.db, { idempotencyKey: 'job-1', kind: 'bridge.deliver', payload: '{}', linkId: link.id }, NOW);
      return link;
    }

    it.each([
      [
        'a wrong signature',
        (id: number) => ({ account_id: String(id), client_uuid: CLIENT_ID, signature: sign(id, 'other') }),
      ],
      [
        'another integration',
        (id: number) => ({ account_id: String(id), client_uuid: 'other', signature: sign(id, CLIENT_SECRET, 'other') }),
      ],
      [
        'another account signed',
        (id: number) => ({ account_id: String(id), client_uuid: CLIENT_ID, signature: sign(id + 1) }),
      ],
    ])('answers a forged hook (%s) 401 and changes nothing', async (_name, query) => {
      const link = await installedAndLinked();
      const res = await hook(query(link.accountId));
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('signature_invalid');
      expect((await findInstallation(t.db, link.accountId))?.state).toBe('active');
      expect((await findLinkById(t.db, link.id))?.parkedAt).toBeNull();
      expect((await findJobByKey(t.db, 'job-1'))?.status).toBe('pending');
    });

    it('answers a hook without its fields 400', async () => {
      expect((await hook({ account_id: '1' })).status).toBe(400);
    });

    it('removes the installation, parks the link and its jobs, and queues the disconnect', async () => {
      const link = await installedAndLinked();
      const res = await hook({
        account_id: String(link.accountId),
        client_uuid: CLIENT_ID,
        signature: sign(link.accountId),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', removed: true, parked_jobs: 1 });
      const installation = await findInstallation(t.db, link.accountId);
      expect(installation).toMatchObject({ state: 'removed', accessTokenEnc: null, refreshTokenEnc: null });
      expect((await findLinkById(t.db, link.id))?.parkedAt).toBe(NOW);
      expect((await findJobByKey(t.db, 'job-1'))?.status).toBe('parked');
      const [disconnect] = await jobsOf('amojo.disconnect_link');
      expect(JSON.parse(disconnect?.payload ?? '{}')).toEqual({ kind: 'amojo.disconnect_link', linkId: link.id });
    });
  });
});
