import { parseArgs } from 'node:util';
import { z } from 'zod/mini';
import { amojoIdSchema } from '../contracts/link';

export const ACCOUNTS_USAGE = `usage: npm run accounts -- list [--json]
       npm run accounts -- release-amojo <amojo_id> [--dry-run]
  list            every account the store knows: installation, bound amojo id, link; --json prints JSON lines
  release-amojo   frees an amojo id a stale link holds, so the account amoCRM reports it for can link it:
                  unlinks the holder (scope, credentials, webhook URL purged) and releases its binding. Refused
                  when the holder's own active installation proves that amojo id.
  --dry-run       says what release-amojo would do and changes nothing`;

export type AccountsCommand =
  | { kind: 'list'; json: boolean }
  | { kind: 'release-amojo'; amojoId: string; dryRun: boolean };

export type AccountsArgs = { ok: true; command: AccountsCommand } | { ok: false; error: string };

const amojoIdArgument = z.pipe(
  amojoIdSchema,
  z.transform((id: string) => id.toLowerCase()),
);

/** The accounts command's arguments: a subcommand, its one positional, and the flags that subcommand takes. */
export function parseAccountsArgs(argv: readonly string[]): AccountsArgs {
  const [name, ...rest] = argv;
  if (name === 'list') {
    const parsed = parse(rest, { json: { type: 'boolean', default: false } });
    if (!parsed.ok) return parsed;
    if (parsed.positionals.length > 0) return { ok: false, error: `list takes no argument: ${parsed.positionals[0]}` };
    return { ok: true, command: { kind: 'list', json: parsed.values.json === true } };
  }
  if (name === 'release-amojo') {
    const parsed = parse(rest, { 'dry-run': { type: 'boolean', default: false } });
    if (!parsed.ok) return parsed;
    if (parsed.positionals.length !== 1) return { ok: false, error: 'release-amojo takes one amojo id' };
    const amojoId = amojoIdArgument.safeParse(parsed.positionals[0]);
    if (!amojoId.success) return { ok: false, error: `not an amojo id (a UUID): ${parsed.positionals[0]}` };
    return {
      ok: true,
      command: { kind: 'release-amojo', amojoId: amojoId.data, dryRun: parsed.values['dry-run'] === true },
    };
  }
  return { ok: false, error: name === undefined ? 'name a command' : `unknown command ${name}` };
}

type Flags = Record<string, { type: 'boolean'; default: boolean }>;

function parse(args: string[], options: Flags) {
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    return { ok: true as const, values: values as Record<string, boolean | undefined>, positionals };
  } catch (error) {
    return { ok: false as const, error: error instanceof Error ? error.message : String(error) };
  }
}
