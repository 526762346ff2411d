import type { Kysely } from 'kysely';
import { afterEach, beforeEach } from 'vitest';
import type { RelayRunner } from '../../../src/relay/create-relay-runner';
import { migrateToLatest } from '../../../src/store/migrations/migrate-to-latest';
import { type OpenedDatabase, openDatabase } from '../../../src/store/open-database';
import type { Database } from '../../../src/store/schema';

export interface RelayRunnerSetup {
  /** A migrated in-memory store, new for each test. */
  readonly db: Kysely<Database>;
  /** The runner under test; whatever is here when a test ends is stopped before the store closes. */
  runner: RelayRunner | undefined;
}

/** Registers, in the calling suite, a fresh store before each test and the runner's stop and cleanup after it. */
export function relayRunnerSetup(): RelayRunnerSetup {
  let opened: OpenedDatabase | undefined;
  const setup: RelayRunnerSetup = {
    get db() {
      if (!opened) throw new Error('the store is only open while a test runs');
      return opened.db;
    },
    runner: undefined,
  };
  beforeEach(async () => {
    opened = openDatabase('sqlite::memory:');
    await migrateToLatest(opened.db);
  });
  afterEach(async () => {
    await setup.runner?.stop();
    setup.runner = undefined;
    await opened?.close();
    opened = undefined;
  });
  return setup;
}
