import { randomUUID } from 'node:crypto';
import { createCli } from '../create-cli';
import { startAmocrmEmulator } from './start-amocrm-emulator';

const USAGE = `usage: npm run amocrm-emulator -- --client-id ID --client-secret S --redirect-uri URL
  [--disconnect-url URL] [--port P (default 0: any free port)] [--host H (default 127.0.0.1)]
  [--account-id N (default 31000001)] [--subdomain S (default sandbox)] [--domain amocrm.ru|amocrm.com|kommo.com]
  [--amojo-id UUID (default random)] [--token-ttl SECONDS (default 86400)]
One account with an admin (id 1001, "Sandbox Admin") and a manager (id 1002, "Sandbox Manager").`;

const {
  values,
  fail,
  port: parsePort,
} = createCli(USAGE, {
  port: { type: 'string', default: '0' },
  host: { type: 'string', default: '127.0.0.1' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'redirect-uri': { type: 'string' },
  'disconnect-url': { type: 'string' },
  'account-id': { type: 'string', default: '31000001' },
  subdomain: { type: 'string', default: 'sandbox' },
  domain: { type: 'string', default: 'amocrm.ru' },
  'amojo-id': { type: 'string' },
  'token-ttl': { type: 'string' },
});
const clientId = values['client-id'] ?? fail('--client-id is required');
const clientSecret = values['client-secret'] ?? fail('--client-secret is required');
const redirectUri = values['redirect-uri'] ?? fail('--redirect-uri is required');
const port = parsePort(values.port);
const accountId = Number(values['account-id']);
if (!Number.isInteger(accountId) || accountId < 1) fail('--account-id must be a positive integer');
const domain =
  values.domain === 'amocrm.ru' || values.domain === 'amocrm.com' || values.domain === 'kommo.com'
    ? values.domain
    : fail('--domain is amocrm.ru, amocrm.com or kommo.com');
const ttl = values['token-ttl'] === undefined ? undefined : Number(values['token-ttl']);
if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1)) fail('--token-ttl must be a positive integer');

const running = await (async () => {
  try {
    return await startAmocrmEmulator({
      clientId,
      clientSecret,
      redirectUri,
      ...(values['disconnect-url'] === undefined ? {} : { disconnectHookUrl: values['disconnect-url'] }),
      accounts: [{ id: accountId, subdomain: values.subdomain, domain, amojoId: values['amojo-id'] ?? randomUUID() }],
      users: [
        { id: 1001, accountId, name: 'Sandbox Admin', isAdmin: true },
        { id: 1002, accountId, name: 'Sandbox Manager', isAdmin: false },
      ],
      ...(ttl === undefined ? {} : { accessTokenTtlSeconds: ttl }),
      port,
      host: values.host,
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();

console.info(`amoCRM emulator listening on ${running.url}`);
console.info(`  account ${accountId} (${values.subdomain}.${domain}); redirects to ${redirectUri}`);
console.info(`  control API at ${running.url}/_control/state; popup at ${running.url}/oauth?client_id=${clientId}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void running.close().then(() => process.exit(0));
  });
}
