import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildInboxState, type InboxDirectory } from '../../../src/sandbox/amocrm-page/build-inbox-state';
import { renderInboxPage } from '../../../src/sandbox/amocrm-page/render-inbox-page';
import { createSandboxInboxDirectory } from '../../../src/sandbox/sandbox-inbox-directory';
import { ACCOUNT_ID, type Harness, inboundText, SCOPE_ID, startHarness } from './harness';

// The emulated inbox's view of sources, pipelines and contacts: the amojo emulator knows each chat's source external
// id, amoCRM (here a directory) knows the names. Kept beside the emulator tests: the inbox reads this emulator.

const SALES = '0f8a3c52-5a3e-4f7e-9d55-2c8b1e6a0001';
const SUPPORT = '0f8a3c52-5a3e-4f7e-9d55-2c8b1e6a0002';
const GONE = '0f8a3c52-5a3e-4f7e-9d55-2c8b1e6a0009';

const directory: InboxDirectory = {
  sources: [
    { externalId: SALES, name: 'Sales line', pipelineId: null },
    { externalId: SUPPORT, name: 'Support line', pipelineId: 22 },
  ],
  pipelines: [
    { id: 11, name: 'Sales', isMain: true },
    { id: 22, name: 'Support', isMain: false },
  ],
  contactsByChat: {},
};

function through(source: string | undefined, msgid: string, conversationId: string) {
  const base = inboundText(msgid, conversationId, `client-${conversationId}`);
  return { ...base, payload: { ...base.payload, ...(source ? { source: { external_id: source } } : {}) } };
}

describe('inbox state: source, pipeline and contact of each chat', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await h.connect();
  });
  afterEach(() => h.close());

  const state = (dir?: InboxDirectory, chatId: string | null = null) =>
    buildInboxState({
      emulator: h.emulator,
      now: new Date(),
      accountAmojoId: ACCOUNT_ID,
      chatId,
      hookMessageIds: new Map(),
      directory: dir,
    });
  const chatOf = (conversationId: string) =>
    h.emulator.listChats(SCOPE_ID).find((c) => c.conversationId === conversationId)!;

  it('names each chat’s source and the pipeline its leads land in, and the contact it is bound to', async () => {
    for (const [source, conv] of [
      [SALES, 'conv-sales'],
      [SUPPORT, 'conv-support'],
      [undefined, 'conv-plain'],
      [GONE, 'conv-gone'],
    ] as const) {
      expect((await h.call({ path: h.paths.message(), body: through(source, `m-${conv}`, conv) })).status).toBe(200);
    }
    const bound = chatOf('conv-support').id;
    const view = state({ ...directory, contactsByChat: { [bound]: { id: 501, name: 'Ivan Petrov' } } }, bound);
    const byConversation = Object.fromEntries(
      view.chats.map((c) => [c.conversationId, { source: c.source, pipeline: c.pipeline, contact: c.contact }]),
    );
    expect(byConversation).toEqual({
      // a source without a pipeline: amoCRM's main one
      'conv-sales': {
        source: { externalId: SALES, name: 'Sales line' },
        pipeline: { id: 11, name: 'Sales' },
        contact: null,
      },
      'conv-support': {
        source: { externalId: SUPPORT, name: 'Support line' },
        pipeline: { id: 22, name: 'Support' },
        contact: { id: 501, name: 'Ivan Petrov' },
      },
      'conv-plain': { source: null, pipeline: { id: 11, name: 'Sales' }, contact: null },
      // a source amoCRM does not have (deleted, not synced yet): its id is shown, with no name
      'conv-gone': { source: { externalId: GONE, name: null }, pipeline: { id: 11, name: 'Sales' }, contact: null },
    });
    expect(view.thread?.chat).toMatchObject({ id: bound, contact: { id: 501 } });
    expect(view.sources).toEqual([
      { externalId: SALES, name: 'Sales line', pipelineName: 'Sales' },
      { externalId: SUPPORT, name: 'Support line', pipelineName: 'Support' },
    ]);
  });

  it('shows only the external id without a directory', async () => {
    await h.call({ path: h.paths.message(), body: through(SUPPORT, 'm-1', 'conv-support') });
    const [chat] = state().chats;
    expect(chat).toMatchObject({ source: { externalId: SUPPORT, name: null }, pipeline: null, contact: null });
    expect(state().sources).toEqual([]);
  });

  it('offers the sources as the write-first form’s "through number" choices', () => {
    const boot = { pollMs: 500, samplePictureUrl: 'http://x/p.png', managerName: 'M', crmPageUrl: '/' };
    const html = renderInboxPage(boot, [{ externalId: SUPPORT, name: 'Support <line>', pipelineName: 'Support' }]);
    expect(html).toContain(`<option value="${SUPPORT}">Support &#60;line&#62; → Support</option>`);
    expect(html).toMatch(/<label class="write-first-source">/);
    expect(renderInboxPage(boot)).toMatch(/<label class="write-first-source" hidden>/);
  });
});

describe('createSandboxInboxDirectory: the amoCRM emulator’s control API as the inbox directory', () => {
  let server: ReturnType<typeof createServer>;
  let url: string;
  let routes: Record<string, unknown>;
  beforeEach(async () => {
    routes = {};
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (!(path in routes)) return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(routes[path]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads sources, pipelines, contacts and bindings of its account, and names each bound chat’s contact', async () => {
    routes = {
      '/_control/sources': [
        { id: 1, name: 'Sales line', external_id: SALES, pipeline_id: null, account_id: 31000001 },
        { id: 2, name: 'Other account', external_id: GONE, pipeline_id: 22, account_id: 99 },
        // the emulator's own record shape, deleted: amoCRM routes nothing there any more
        { id: 3, accountId: 31000001, name: 'Old line', externalId: SUPPORT, pipelineId: 11, deletedAt: 1 },
      ],
      '/_control/pipelines': { pipelines: [{ id: 11, name: 'Sales', is_main: true }] },
      '/_control/contacts': [{ id: 501, name: 'Ivan Petrov' }],
      '/_control/chat-bindings': [
        { chat_id: 'chat-1', contact_id: 501 },
        { chat_id: 'chat-2', contact_id: 777 },
        { accountId: 31000001, chatId: 'chat-3', contactId: 501, replacedAt: 5 },
        { accountId: 31000001, chatId: 'chat-4', contactId: 501 },
      ],
    };
    const read = createSandboxInboxDirectory({ amocrmUrl: url, accountId: 31000001 });
    expect(await read()).toEqual({
      sources: [{ externalId: SALES, name: 'Sales line', pipelineId: null }],
      pipelines: [{ id: 11, name: 'Sales', isMain: true }],
      contactsByChat: {
        'chat-1': { id: 501, name: 'Ivan Petrov' },
        'chat-2': { id: 777, name: 'Contact #777' },
        'chat-4': { id: 501, name: 'Ivan Petrov' },
      },
    });
  });

  it('reads a route the emulator lacks (404) as empty', async () => {
    const read = createSandboxInboxDirectory({ amocrmUrl: url, accountId: 1 });
    expect(await read()).toEqual({ sources: [], pipelines: [], contactsByChat: {} });
  });
});
