import { type Context, Hono } from 'hono';
import { ControlError } from '../control-api/control-error';
import type { AmocrmPageOptions } from './amocrm-page-options';
import {
  buildInboxState,
  type InboxDirectory,
  type InboxDirectoryResolver,
  pickDefaultScope,
} from './build-inbox-state';
import type { PageUsers } from './create-page-users';
import type { WidgetSource } from './open-widget-source';
import { renderInboxPage } from './render-inbox-page';

export interface InboxRouteDeps {
  readonly options: AmocrmPageOptions;
  readonly source: WidgetSource;
  /** The inbox answers as the page's current user. */
  readonly users: PageUsers;
  readonly now: () => Date;
}

/**
 * How the composition hands the inbox amoCRM's side of the chats (sources, pipelines, bound contacts). It rides on
 * the page options, which `startAmocrmPage` passes through unchanged; without it the inbox shows external ids only.
 */
export interface InboxDirectoryOption {
  readonly inboxDirectory?: InboxDirectoryResolver;
}

type JsonObject = Record<string, unknown>;

async function readObject(c: Context): Promise<JsonObject | null> {
  const body: unknown = await c.req.json().catch(() => null);
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as JsonObject) : null;
}

/** Runs an emulator control call, answering its ControlError as the emulator's own control API does. */
async function act(c: Context, run: (body: JsonObject) => Promise<unknown>) {
  const body = await readObject(c);
  if (body === null) return c.json({ error: 'expected a JSON object' }, 400);
  try {
    return c.json(await run(body), 200);
  } catch (error) {
    if (!(error instanceof ControlError)) throw error;
    return c.json({ error: error.message, ...(error.errors.length > 0 ? { errors: error.errors } : {}) }, error.status);
  }
}

/**
 * The manager's inbox: a page plus a thin JSON layer over the emulator object. Actions go through the emulator's
 * control methods (which validate and emit the signed hooks); the page's current user acts as the emulator manager
 * with the same amojo id when there is one, else as the emulator's first manager.
 */
export function inboxRoutes(deps: InboxRouteDeps): Hono {
  const { emulator, account } = deps.options;
  const app = new Hono();
  const managerIdNow = () => emulator.managers.find((m) => m.id === deps.users.current().amojo_id)?.id;
  const manager = () => {
    const id = managerIdNow();
    return id === undefined ? {} : { senderId: id };
  };
  const reactor = () => {
    const id = managerIdNow();
    return id === undefined ? {} : { userId: id };
  };
  const hookMessageIds = new Map<number, string | null>();
  const pollMs = deps.options.inboxPollMs ?? 500;
  const resolveDirectory = (deps.options as AmocrmPageOptions & InboxDirectoryOption).inboxDirectory;
  // A directory that cannot be read (the amoCRM emulator busy or restarting) costs the names, never the inbox.
  const directory = async (): Promise<InboxDirectory | undefined> => {
    try {
      return await resolveDirectory?.();
    } catch {
      return undefined;
    }
  };

  app.get('/inbox', async (c) => {
    const sources = buildInboxState({
      emulator,
      now: deps.now(),
      accountAmojoId: account.amojo_id,
      chatId: null,
      hookMessageIds,
      directory: await directory(),
    }).sources;
    const managerId = managerIdNow();
    const managerName = emulator.managers.find((m) => m.id === managerId)?.name ?? emulator.managers[0]?.name ?? '';
    return c.html(
      renderInboxPage(
        {
          pollMs,
          samplePictureUrl: new URL('/_sandbox/samples/picture.png', c.req.url).href,
          managerName,
          crmPageUrl: '/',
        },
        sources,
      ),
      200,
      { 'Cache-Control': 'no-store' },
    );
  });

  app.get('/_sandbox/samples/picture.png', (c) => {
    const file = deps.source.read('images/logo_main.png');
    return file === null ? c.notFound() : c.body(new Uint8Array(file), 200, { 'Content-Type': 'image/png' });
  });

  app.get('/_sandbox/inbox/state', async (c) => {
    const state = buildInboxState({
      emulator,
      now: deps.now(),
      accountAmojoId: account.amojo_id,
      chatId: c.req.query('chat') ?? null,
      hookMessageIds,
      directory: await directory(),
    });
    return c.json(state, 200, { 'Cache-Control': 'no-store' });
  });

  // the emulator validates every field of these bodies (400 naming the field), so they pass through as they are;
  // write-first's `sourceExternalId` is the "through number" the manager picked, as amoCRM's phone menu offers it
  app.post('/_sandbox/inbox/messages', (c) =>
    act(c, (body) => emulator.sendMessage({ ...manager(), ...body } as never)),
  );
  app.post('/_sandbox/inbox/typing', (c) => act(c, (body) => emulator.typing({ ...reactor(), ...body } as never)));
  app.post('/_sandbox/inbox/reactions', (c) => act(c, (body) => emulator.react({ ...reactor(), ...body } as never)));
  app.post('/_sandbox/inbox/write-first', (c) =>
    act(c, (body) => {
      const scopeId = body.scopeId ?? pickDefaultScope(emulator.listConnections(), account.amojo_id);
      if (scopeId === null) throw new ControlError(409, 'no account is connected to the channel yet: link it first');
      return emulator.startWriteFirst({ ...manager(), ...body, scopeId } as never);
    }),
  );

  return app;
}
