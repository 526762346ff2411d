import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { expect, it } from 'vitest';
import { hashApiKey } from '../../../src/store/api-key-hash';
import { createLink, findLinkByAccountId, findLinkByKeyHash, listAccountLinks } from '../../../src/store/links-repo';
import { deliveryBreaker } from '../../../src/store/migrations/delivery-breaker';
import { fairClaimIndexes } from '../../../src/store/migrations/fair-claim-indexes';
import { initialSchema } from '../../../src/store/migrations/initial-schema';
import { installations } from '../../../src/store/migrations/installations';
import { lowerCaseAmojoIds } from '../../../src/store/migrations/lower-case-amojo-ids';
import { mediaUsage } from '../../../src/store/migrations/media-usage';
import { migrateToLatest } from '../../../src/store/migrations/migrate-to-latest';
import { pendingLinks } from '../../../src/store/migrations/pending-links';
import { rateLimits } from '../../../src/store/migrations/rate-limits';
import { retentionIndexes } from '../../../src/store/migrations/retention-indexes';
import { type OpenedDatabase, openDatabase } from '../../../src/store/open-database';
import { enqueue } from '../../../src/store/outbox-repo';
import type { Database } from '../../../src/store/schema';
import { seedLegacyLink } from '../helpers/seed-legacy-link';
import { linkInput } from '../helpers/seed-link';
import { describeEachDatabase, type TestDatabase } from '../helpers/test-databases';

const T0 = 1_700_000_000_000;

// The schema as the release before 0010 left it, under the same names, so migrateToLatest applies 0010 alone.
const released: Record<string, Migration> = {
  '0001_initial_schema': initialSchema,
  '0002_lower_case_amojo_ids': lowerCaseAmojoIds,
  '0003_pending_links': pendingLinks,
  '0004_retention_indexes': retentionIndexes,
  '0005_fair_claim_indexes': fairClaimIndexes,
  '0006_rate_limits': rateLimits,
  '0007_media_usage': mediaUsage,
  '0008_installations': installations,
  '0009_delivery_breaker': deliveryBreaker,
};

async function openAt0009(t: TestDatabase): Promise<OpenedDatabase> {
  const opened = openDatabase(t.freshUrl?.() ?? 'sqlite::memory:');
  const { db, schema } = opened;
  if (schema) await sql`create schema ${sql.id(schema)}`.execute(db);
  const migrator = new Migrator({
    db: db.withoutPlugins(),
    provider: { getMigrations: async () => released },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  expect((await migrator.migrateToLatest()).error).toBeUndefined();
  return opened;
}

/** A linked account with everything that references its link: a participant, a conversation, messages, jobs. */
async function seedLinkedAccount(db: Kysely<Database>) {
  const link = await seedLegacyLink(db, { timeWindowDisabled: true });
  await db
    .updateTable('links')
    .set({ pending: 0, parkedAt: T0 + 5 })
    .where('id', '=', link.id)
    .execute();
  await db
    .insertInto('participants')
    .values({ id: 'p-1', linkId: link.id, clientId: 'client-1', createdAt: T0, updatedAt: T0 })
    .execute();
  await db
    .insertInto('conversations')
    .values({
      id: 'c-1',
      linkId: link.id,
      conversationId: 'conv-1',
      amojoChatId: 'chat-1',
      participantId: 'p-1',
      refPending: 0,
      createdAt: T0,
      updatedAt: T0,
    })
    .execute();
  for (const [id, direction] of [
    ['m-1', 'in'],
    ['m-2', 'out'],
  ] as const) {
    await db
      .insertInto('messages')
      .values({
        id,
        linkId: link.id,
        conversationRowId: 'c-1',
        direction,
        ourMsgid: `our-${id}`,
        status: 0,
        createdAt: T0,
        updatedAt: T0,
      })
      .execute();
  }
  await db
    .insertInto('inbox')
    .values({ dedupeKey: 'hook-1', linkId: link.id, kind: 'k', payload: '{}', receivedAt: T0 })
    .execute();
  for (const key of ['job-a', 'job-b']) {
    await enqueue(db, { idempotencyKey: key, kind: 'k', payload: '{}', linkId: link.id }, T0);
  }
  await db
    .insertInto('deliveryBreakers')
    .values({
      linkId: link.id,
      webhookUrl: link.input.webhookUrl,
      failures: 3,
      failingSince: T0,
      openUntil: T0 + 1000,
      openings: 1,
      probeUntil: null,
      updatedAt: T0,
    })
    .execute();
  return link;
}

describeEachDatabase('migration 0010: several links per account, each with a source', (t) => {
  async function linksIndexes(db: Kysely<Database>): Promise<string[]> {
    const { rows } =
      t.dialect === 'postgres'
        ? await sql<{ name: string }>`
            select indexname as name from pg_indexes where tablename = 'links' and schemaname = current_schema()`.execute(
            db,
          )
        : await sql<{ name: string }>`
            select name from sqlite_master where type = 'index' and tbl_name = 'links' and sql is not null`.execute(db);
    return rows.map((r) => r.name).sort();
  }

  /** Every row of every table that references links, in a stable order. */
  async function children(db: Kysely<Database>) {
    return {
      participants: await db.selectFrom('participants').selectAll().orderBy('id').execute(),
      conversations: await db
        .selectFrom('conversations')
        .select(['id', 'linkId', 'conversationId', 'amojoChatId', 'participantId', 'createdAt'])
        .orderBy('id')
        .execute(),
      messages: await db.selectFrom('messages').selectAll().orderBy('id').execute(),
      inbox: await db.selectFrom('inbox').selectAll().orderBy('dedupeKey').execute(),
      outbox: await db.selectFrom('outbox').selectAll().orderBy('id').execute(),
      deliveryBreakers: await db.selectFrom('deliveryBreakers').selectAll().orderBy('linkId').execute(),
    };
  }

  it('turns each single link into the first of its account, keeping its id, key, secret and URL', async () => {
    const opened = await openAt0009(t);
    try {
      const { db, schema } = opened;
      const link = await seedLinkedAccount(db);
      const unlinked = await seedLegacyLink(db, { createdAt: T0 + 1 });
      await db
        .updateTable('links')
        .set({ scopeId: null, webhookUrl: null, bridgeKeyHash: null, signingSecretEnc: null, unlinkedAt: T0 + 2 })
        .where('id', '=', unlinked.id)
        .execute();
      const before = await db.selectFrom('links').selectAll().orderBy('id').execute();
      const childrenBefore = await children(db);

      expect(await migrateToLatest(db, { schema })).toEqual([
        '0010_sources',
        '0011_growth_indexes',
        '0012_lost_leases',
        '0013_media_files',
        '0014_key_heads',
        '0015_drop_undone_kind_index',
      ]);

      // Every old column reads back the same; the new ones are null, the source waits for the startup sweep.
      const after = await db.selectFrom('links').selectAll().orderBy('id').execute();
      expect(after).toEqual(
        before.map((row) => ({
          ...row,
          pipelineId: null,
          sourceId: null,
          sourceState: 'pending',
          sourceError: null,
        })),
      );
      expect(await findLinkByKeyHash(db, link.input.bridgeKeyHash)).toMatchObject({
        id: link.id,
        accountId: link.accountId,
        scopeId: link.input.scopeId,
        webhookUrl: link.input.webhookUrl,
        signingSecretEnc: link.input.signingSecretEnc,
        timeWindowDisabled: true,
        parkedAt: T0 + 5,
        sourceState: 'pending',
      });
      // Nothing that references a link was lost (the rebuild dropped `links`; delivery_breakers cascades on delete).
      // As they were, the outbox rows with 0012's lost-lease count and 0014's head mark at their defaults.
      expect(await children(db)).toEqual({
        ...childrenBefore,
        outbox: childrenBefore.outbox.map((row) => ({ ...row, lostLeases: 0, isHead: 0 })),
      });
      const conversation = await db.selectFrom('conversations').selectAll().executeTakeFirstOrThrow();
      expect(conversation).toMatchObject({ contactHint: null, contactId: null, contactState: null });

      expect(await linksIndexes(db)).toEqual(expect.arrayContaining(['links_account_index', 'links_scope_index']));
      if (t.dialect === 'sqlite') {
        const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db.withoutPlugins());
        expect(rows[0]?.foreign_keys).toBe(1);
      } else {
        const { rows } = await sql<{ def: string }>`
          select pg_get_constraintdef(oid) as def from pg_constraint
          where conrelid = 'links'::regclass and contype = 'u'`.execute(db);
        expect(rows.map((r) => r.def)).toEqual(['UNIQUE (bridge_key_hash)']);
      }

      // A second link of the same account, on the same scope, now fits.
      const second = await createLink(
        db,
        {
          ...linkInput({ accountId: link.accountId, amojoId: link.input.amojoId, scopeId: link.input.scopeId }),
          pipelineId: 42,
        },
        T0 + 10,
      );
      expect(second).toMatchObject({ ok: true, link: { accountId: link.accountId, pipelineId: 42 } });
      expect((await listAccountLinks(db, link.accountId)).map((l) => l.id)[0]).toBe(link.id);
      expect((await findLinkByAccountId(db, link.accountId))?.id).toBe(link.id);

      // The constraints that stay still hold: a key names one link, references resolve, states are a closed set.
      await expect(
        db
          .updateTable('links')
          .set({ bridgeKeyHash: link.input.bridgeKeyHash })
          .where('id', '=', second.ok ? second.link.id : '')
          .execute(),
      ).rejects.toThrow();
      await expect(
        db
          .insertInto('conversations')
          .values({ id: 'orphan', linkId: 'no-such-link', refPending: 0, createdAt: T0, updatedAt: T0 })
          .execute(),
      ).rejects.toThrow();
      await expect(db.deleteFrom('links').where('id', '=', link.id).execute()).rejects.toThrow();
      await expect(
        db
          .insertInto('links')
          .values({ id: 'orphan', accountId: 999, title: 't', timeWindowDisabled: 0, createdAt: T0, updatedAt: T0 })
          .execute(),
      ).rejects.toThrow();
      await expect(
        db
          .updateTable('links')
          .set({ sourceState: 'bogus' as never })
          .where('id', '=', link.id)
          .execute(),
      ).rejects.toThrow();
      await expect(
        db
          .updateTable('conversations')
          .set({ contactState: 'bogus' as never })
          .where('id', '=', 'c-1')
          .execute(),
      ).rejects.toThrow();
      expect(await migrateToLatest(db, { schema })).toEqual([]);
    } finally {
      await opened.close();
    }
  });

  it('on SQLite, rolls the whole run back when it would leave a reference dangling', async () => {
    if (t.dialect !== 'sqlite') return; // foreign_key_check is SQLite's; PostgreSQL checks every reference itself
    const opened = await openAt0009(t);
    try {
      const { db, schema } = opened;
      const link = await seedLegacyLink(db);
      // A row that points nowhere, as a migration that lost rows would leave behind.
      await sql`pragma foreign_keys = off`.execute(db);
      await db
        .insertInto('conversations')
        .values({ id: 'dangling', linkId: 'gone', refPending: 0, createdAt: T0, updatedAt: T0 })
        .execute();
      await sql`pragma foreign_keys = on`.execute(db);

      await expect(migrateToLatest(db, { schema })).rejects.toThrow(/foreign key/);
      // Still at 0009: no new column, the unique account_id still in force, and foreign keys back on.
      const { rows: columns } = await sql<{ name: string }>`select name from pragma_table_info('links')`.execute(db);
      expect(columns.map((c) => c.name)).not.toContain('source_state');
      await expect(
        db
          .insertInto('links')
          .values({
            id: 'second',
            accountId: link.accountId,
            title: 't',
            timeWindowDisabled: 0,
            bridgeKeyHash: hashApiKey('other'),
            createdAt: T0,
            updatedAt: T0,
          } as never)
          .execute(),
      ).rejects.toThrow(/UNIQUE/);
      const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db.withoutPlugins());
      expect(rows[0]?.foreign_keys).toBe(1);
    } finally {
      await opened.close();
    }
  });
});
