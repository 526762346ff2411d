import { createAmojoClient } from '../src/amojo/create-amojo-client';
import { sealLinkSecrets } from '../src/server/routes/widget-link/link-secrets';
import { hashApiKey } from '../src/store/api-key-hash';
import { upsertLink } from '../src/store/links-repo';
import { migrateToLatest } from '../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../src/store/open-database';
import { createSecretBox } from '../src/store/secret-box';

export interface ChaosLinkInput {
  readonly databaseUrl: string;
  readonly amojoUrl: string;
  readonly channel: { readonly id: string; readonly secret: string };
  readonly accountAmojoId: string;
  readonly dataEncryptionKey: string;
  readonly apiKey: string;
  readonly signingSecret: string;
  readonly webhookUrl: string;
}

/**
 * Links one account before any backend starts, as the widget would: connects its scope at amojo, stores the link with
 * the bridge key's hash and the signing secret sealed under the backends' DATA_ENCRYPTION_KEY. Returns the scope.
 */
export async function seedChaosLink(input: ChaosLinkInput): Promise<string> {
  const opened = openDatabase(input.databaseUrl);
  try {
    await migrateToLatest(opened.db, { schema: opened.schema });
    const amojo = createAmojoClient({
      channelId: input.channel.id,
      secret: input.channel.secret,
      baseUrl: input.amojoUrl,
    });
    const { scope_id: scopeId } = await amojo.connect({
      account_id: input.accountAmojoId,
      title: 'Chaos',
      hook_api_version: 'v2',
    });
    const accountId = 31_000_001;
    const box = createSecretBox(input.dataEncryptionKey);
    const seeded = await upsertLink(
      opened.db,
      {
        accountId,
        subdomain: 'chaos',
        region: 'ru',
        amojoId: input.accountAmojoId,
        scopeId,
        title: 'Chaos',
        timeWindowDisabled: false,
        webhookUrl: input.webhookUrl,
        bridgeKeyHash: hashApiKey(input.apiKey),
        signingSecretEnc: sealLinkSecrets(box, accountId, {
          signingSecret: input.signingSecret,
          apiKeyHint: input.apiKey.slice(0, 8),
        }),
      },
      Date.now(),
    );
    if (!seeded.ok) throw new Error(`could not seed the link: ${seeded.reason}`);
    // No amoCRM stands behind this run: a source sync would only fail against the closed AMOCRM_API_BASE_URL.
    await opened.db.updateTable('links').set({ sourceState: 'failed' }).where('id', '=', seeded.link.id).execute();
    return scopeId;
  } finally {
    await opened.close();
  }
}
