import { parseArgs } from 'node:util';
import type { RelayJobKind } from '../jobs/relay-jobs';
import type { DeadLetterFilter } from '../store/outbox-repo';

export const REPLAY_USAGE = `usage: npm run replay -- (--all | --kind K | --link L | --id N ...)
  Requeues dead letters: matching jobs become due now with a fresh attempt budget.
  --kind K   only jobs of kind K (${'amojo.new_message, amojo.edit_message, amojo.typing, amojo.react, amojo.delivery_status, bridge.deliver'})
  --link L   only jobs of link L
  --id N     only job N (repeatable)
  --all      every dead letter (required when no filter is given)
  Filters combine: --kind bridge.deliver --link L requeues that link's dead deliveries.`;

const KINDS: readonly RelayJobKind[] = [
  'amojo.new_message',
  'amojo.edit_message',
  'amojo.typing',
  'amojo.react',
  'amojo.delivery_status',
  'bridge.deliver',
];

export type ReplayArgs = { ok: true; filter: DeadLetterFilter } | { ok: false; error: string };

/** The replay command's arguments; replaying everything must be asked for with --all, never by omission. */
export function parseReplayArgs(argv: readonly string[]): ReplayArgs {
  let values: { kind?: string | undefined; link?: string | undefined; id?: string[] | undefined; all?: boolean };
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        kind: { type: 'string' },
        link: { type: 'string' },
        id: { type: 'string', multiple: true },
        all: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const filter: DeadLetterFilter = {};
  if (values.kind !== undefined) {
    if (!KINDS.includes(values.kind as RelayJobKind)) return { ok: false, error: `unknown --kind ${values.kind}` };
    filter.kind = values.kind;
  }
  if (values.link !== undefined) filter.linkId = values.link;
  if (values.id !== undefined) {
    const ids = values.id.map(Number);
    if (ids.some((id) => !Number.isSafeInteger(id) || id <= 0)) return { ok: false, error: '--id takes job numbers' };
    filter.ids = ids;
  }
  const filtered = Object.keys(filter).length > 0;
  if (filtered && values.all) return { ok: false, error: '--all cannot be combined with filters' };
  if (!filtered && !values.all) return { ok: false, error: 'name what to replay, or pass --all' };
  return { ok: true, filter };
}
