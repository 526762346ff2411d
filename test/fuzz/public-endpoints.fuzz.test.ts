import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeMsgid } from '../../src/bridge/bridge-msgid';
import { bridgeEventId } from '../../src/relay/bridge-event-id';
import { DEFAULT_TEST_DATABASE_URL } from '../store/helpers/test-databases';
import { MUTATION_FAMILIES } from './create-mutator';
import { amocrmGroup, bridgeGroup, hookGroup, linkApiGroup, publicGroup } from './fuzz-groups';
import { type FuzzStats, runFuzzGroup } from './run-fuzz-group';
import { type FuzzStack, startFuzzStack, until } from './start-fuzz-stack';

/**
 * Issue 13 §7: mutated requests against every public endpoint of the backend as production composes it, on SQLite
 * and PostgreSQL. No answer may be a 5xx or a dropped connection, every error is the JSON error shape, and everything
 * the backend accepted (a hook answered 200, a bridge call answered 202) is followed to its delivery at the
 * messenger or at amojo once the relay has drained.
 *
 * CI runs FUZZ_RUNS per group (default 240: every mutation family 20 times). The full run of issue 13 is
 *   FUZZ_RUNS=10000 npx vitest run --project node test/fuzz
 * FUZZ_SEED repeats a run; a failure prints the requests that broke the rules.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20 * MUTATION_FAMILIES.length);
const SEED = Number(process.env.FUZZ_SEED ?? 13_07);
// Room for the full run on a 2-core machine: the bridge alone is paced to stay under its per-key limit.
const TIMEOUT = 60_000 + RUNS * 12;
// One at a time until the race in link-api-race.fuzz.test.ts is fixed: concurrent PUT/rotate/DELETE of the one
// link API account can answer 500 there, which would make this run fail at random. Raise it (4) once fixed.
const LINK_CONCURRENCY = Number(process.env.FUZZ_LINK_CONCURRENCY ?? 4);
const pgUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;

async function postgresReachable(): Promise<boolean> {
  const client = new Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

interface Target {
  name: string;
  prepare(): { url: string; cleanup(): Promise<void> };
}

const targets: Target[] = [
  {
    name: 'SQLite',
    prepare() {
      const dir = mkdtempSync(join(tmpdir(), 'fuzz-db-'));
      return {
        url: `sqlite:${join(dir, 'channel.db')}`,
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'PostgreSQL',
    prepare() {
      const schema = `fuzz_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      return {
        url: `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`,
        async cleanup() {
          const client = new Client({ connectionString: pgUrl });
          await client.connect();
          await client.query(`drop schema if exists ${schema} cascade`);
          await client.end();
        },
      };
    },
  },
];
// CI without a PostgreSQL server still runs SQLite; the store tests report the missing server.
const pgUp = await postgresReachable();

for (const target of targets) {
  describe.skipIf(target.name === 'PostgreSQL' && !pgUp)(
    `public endpoints under mutated requests (${target.name})`,
    () => {
      let stack: FuzzStack;
      let cleanup: () => Promise<void>;
      let hooks: ReturnType<typeof hookGroup>;
      let bridge: ReturnType<typeof bridgeGroup>;
      const report: FuzzStats[] = [];

      beforeAll(async () => {
        const prepared = target.prepare();
        cleanup = prepared.cleanup;
        stack = await startFuzzStack(prepared.url);
        hooks = hookGroup(stack, SEED);
        bridge = bridgeGroup(stack, SEED);
      }, 60_000);
      afterAll(async () => {
        for (const stats of report)
          console.info(`[fuzz ${target.name}] ${JSON.stringify(stats, (k, v) => (k === 'failures' ? v.length : v))}`);
        await stack?.close();
        await cleanup?.();
      });

      const expectClean = (stats: FuzzStats) => {
        report.push(stats);
        expect(stats.requests).toBe(RUNS);
        expect(stats.failures.slice(0, 5)).toEqual([]);
      };

      it(
        'amojo webhook: no 5xx, no dropped answer, every refusal a coded JSON error',
        async () => {
          const stats = await runFuzzGroup(stack.port, hooks.group, { runs: RUNS, seed: SEED });
          expectClean(stats);
          // The run is not vacuous: valid and re-signed mutated hooks got through to the store.
          expect(hooks.accepted.filter((h) => h.mutated).length).toBeGreaterThan(0);
        },
        TIMEOUT,
      );

      it(
        'bridge: no 5xx, no dropped answer, every refusal a coded JSON error',
        async () => {
          // Four keys at 200 requests a second each: paced below that, so the mutations reach the parsers, not the limiter.
          const stats = await runFuzzGroup(stack.port, bridge.group, { runs: RUNS, seed: SEED + 1, maxPerSecond: 700 });
          expectClean(stats);
          expect(bridge.accepted.filter((b) => b.mutated).length).toBeGreaterThan(0);
        },
        TIMEOUT,
      );

      it(
        'widget link API: no 5xx, no dropped answer, every refusal a coded JSON error',
        async () => {
          expectClean(
            await runFuzzGroup(stack.port, linkApiGroup(stack), {
              runs: RUNS,
              seed: SEED + 2,
              concurrency: LINK_CONCURRENCY,
            }),
          );
        },
        TIMEOUT,
      );

      it(
        'amoCRM redirect and disconnect hook: no 5xx, no dropped answer',
        async () => {
          expectClean(await runFuzzGroup(stack.port, amocrmGroup(stack), { runs: RUNS, seed: SEED + 3 }));
        },
        TIMEOUT,
      );

      it(
        'media, probes, metrics and openapi: no 5xx, no dropped answer',
        async () => {
          expectClean(await runFuzzGroup(stack.port, publicGroup(), { runs: RUNS, seed: SEED + 4 }));
        },
        TIMEOUT,
      );

      it('delivers everything it accepted exactly once, and holds no job', async () => {
        const traffic = new Set(stack.traffic.map((a) => a.linkId));
        // The run invents the hooks' message ids, so amojo has never heard of them and answers their delivery status
        // 404, which the relay retries by design (a message may still be in processing at amojo): not this run's
        // subject, and real amojo only sends hooks for its own messages.
        const inventedStatus = (job: { kind: string }) => job.kind === 'amojo.delivery_status';
        const ours = (job: { kind: string; idempotencyKey: string; linkId: string | null }) =>
          job.linkId !== null && traffic.has(job.linkId) && !inventedStatus(job);
        const live = async () =>
          (
            await stack.db
              .selectFrom('outbox')
              .select(['kind', 'idempotencyKey', 'linkId'])
              .where('status', 'in', ['pending', 'leased'])
              .execute()
          ).filter(ours);
        await until('the relay to drain the traffic links', async () => (await live()).length === 0, 120_000).catch(
          () => {},
        );
        const held = await stack.db
          .selectFrom('outbox')
          .select(['kind', 'idempotencyKey', 'status', 'attempts', 'lastError', 'linkId'])
          .where('status', 'in', ['pending', 'leased', 'dead'])
          .execute();
        const ofTraffic = held.filter(ours);

        // Hooks: every one answered "accepted" reaches its messenger once, under the event id of its inbox key.
        const lost: string[] = [];
        let reportedUndeliverable = 0;
        const doubled: string[] = [];
        for (const hook of hooks.accepted) {
          const id = bridgeEventId(hook.dedupeKey);
          const seen = stack.messenger.received(hook.account.name).filter((e) => e.id === id).length;
          if (seen === 0 && !hook.silentOk) {
            // A message whose media link can never be fetched (a malformed URL, a host off the list) is final at once
            // (issue 13 §6), and amojo is told it failed (a delivery status with error 903/905): the manager sees
            // it, so it is not a silent loss. Anything else answered 200 and never delivered is one.
            const msgid = hook.dedupeKey.slice(`m:${hook.account.linkId}:`.length);
            const statuses = await stack.db
              .selectFrom('outbox')
              .select(['payload'])
              .where('kind', '=', 'amojo.delivery_status')
              .where('linkId', '=', hook.account.linkId)
              .execute();
            const reported = statuses.some((row) => {
              const payload = JSON.parse(row.payload) as { amojoMsgId?: string };
              return payload.amojoMsgId === msgid && /"error_code":90[35]/.test(row.payload);
            });
            if (reported) reportedUndeliverable += 1;
            else {
              const job = await stack.db
                .selectFrom('outbox')
                .select(['status', 'lastError'])
                .where('idempotencyKey', '=', `bridge.deliver:${hook.dedupeKey}`)
                .executeTakeFirst();
              lost.push(`${hook.kind} job ${JSON.stringify(job)} ${hook.text}`);
            }
          }
          if (seen > 1) doubled.push(`${hook.kind} x${seen} ${hook.text.slice(0, 200)}`);
        }
        // "duplicate" is only true when the same key was accepted before; otherwise the hook was dropped at the door.
        const acceptedKeys = new Set(hooks.accepted.map((h) => h.dedupeKey));
        const falseDuplicates = hooks.duplicates
          .filter((d) => !acceptedKeys.has(d.key))
          .map((d) => d.text.slice(0, 300));

        // Bridge messages and history imports: each new message answered 202 is at amojo under its msgid.
        const missingAtAmojo: string[] = [];
        for (const call of bridge.accepted) {
          const ids =
            call.path === '/bridge/v1/messages'
              ? [call.body.id]
              : call.path === '/bridge/v1/history-imports'
                ? (call.body.messages ?? []).map((m: { id: string }) => m.id)
                : [];
          for (const id of ids) {
            if (!stack.amojo.findMessageByMsgid(call.account.scopeId, bridgeMsgid(call.account.linkId, id)))
              missingAtAmojo.push(`${call.path} ${JSON.stringify(call.text.slice(0, 400))}`);
          }
        }
        const summary = {
          hooksAccepted: hooks.accepted.length,
          hooksMutatedAccepted: hooks.accepted.filter((h) => h.mutated).length,
          bridgeAccepted: bridge.accepted.length,
          bridgeMutatedAccepted: bridge.accepted.filter((b) => b.mutated).length,
          messengerRefused: stack.messenger.refused.filter((x) => x.path !== '/hooks/linkapi').length,
          held: ofTraffic.length,
          inventedStatuses: held.filter(inventedStatus).length,
          reportedUndeliverable,
          otherDead: held
            .filter((job) => !ofTraffic.includes(job))
            .map((j) => `${j.kind}: ${j.lastError}`)
            .slice(0, 5),
        };
        console.info(`[fuzz ${target.name}] follow-through ${JSON.stringify(summary)}`);
        if (process.env.FUZZ_DUMP)
          writeFileSync(process.env.FUZZ_DUMP, JSON.stringify({ lost, held: ofTraffic }, null, 1));
        expect({
          lost: lost.slice(0, 5),
          // A 200 for a body that is no v2 hook here would be work nobody can follow.
          unparsed: hooks.unparsed.slice(0, 5),
          doubled: doubled.slice(0, 5),
          falseDuplicates: falseDuplicates.slice(0, 5),
          missingAtAmojo: missingAtAmojo.slice(0, 5),
          held: ofTraffic.slice(0, 5),
          // The link API account's secret changes with every rotate the run makes; only the traffic links must verify.
          messengerRefused: stack.messenger.refused.filter((x) => x.path !== '/hooks/linkapi').slice(0, 3),
        }).toEqual({
          lost: [],
          unparsed: [],
          doubled: [],
          falseDuplicates: [],
          missingAtAmojo: [],
          held: [],
          messengerRefused: [],
        });
        expect(hooks.accepted.length).toBeGreaterThan(0);
        expect(bridge.accepted.length).toBeGreaterThan(0);
      }, 180_000);
    },
  );
}
