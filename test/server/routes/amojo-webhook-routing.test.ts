import { describe, expect, it, vi } from 'vitest';
import { signWebhook } from '../../../src/amojo/sign-webhook';
import { acceptAmojoHook } from '../../../src/server/routes/amojo-webhook/accept-amojo-hook';
import type { ScopeLink } from '../../../src/server/routes/amojo-webhook/create-scope-lookup';
import { DEFAULT_HOOK_TIME_WINDOW } from '../../../src/server/routes/amojo-webhook/hook-time-issue';
import type { IngressRow } from '../../../src/store/write-ingress-batch';
import { CHANNEL_ID, hookFixture, SECRET } from './amojo-webhook-harness';

const AMOJO_ID = '52e591f7-c98f-4255-8495-827210138c81';
const NOW = 1_700_000_000_000;
const [A, B, C] = ['link-a', 'link-b', 'link-c'];

/** The core with a scope of `linkIds` (primary first) whose chat lookup answers `chatLink`; returns where it went. */
async function route(linkIds: string[], body: Record<string, unknown>, chatLink: string | undefined = undefined) {
  const linkOfChat = vi.fn(async () => chatLink);
  const scope: ScopeLink = { linkId: linkIds[0] ?? '', linkIds, amojoId: AMOJO_ID, linkOfChat };
  const rows: IngressRow[] = [];
  const bytes = Buffer.from(JSON.stringify({ ...body, account_id: AMOJO_ID, time: NOW / 1000 }));
  const accepted = await acceptAmojoHook(
    {
      channelId: CHANNEL_ID,
      secrets: [SECRET],
      lookupScope: async () => scope,
      persist: async (row) => {
        rows.push(row);
        return 'new';
      },
      now: () => NOW,
      timeWindow: DEFAULT_HOOK_TIME_WINDOW,
    },
    { scopeId: `${CHANNEL_ID}_${AMOJO_ID}`, body: bytes, signature: signWebhook(bytes, SECRET) },
  );
  expect(rows.map((r) => [r.event.linkId, r.job?.linkId])).toEqual([[accepted.linkId, accepted.linkId]]);
  return { linkId: accepted.linkId, linkOfChat };
}

const withSource = (externalId: string | undefined) => {
  const body = hookFixture('hook-message-v2-text-with-source');
  const message = body.message as Record<string, unknown>;
  if (externalId === undefined) delete message.source;
  else message.source = { external_id: externalId };
  return body;
};

describe('acceptAmojoHook: which link a hook is for', () => {
  it('sends every hook of a one-link account to it without asking about the chat', async () => {
    const { linkId, linkOfChat } = await route([A], withSource('anything'));
    expect(linkId).toBe(A);
    expect(linkOfChat).not.toHaveBeenCalled();
  });

  it('picks the link whose source the message names when the chat is not known yet', async () => {
    const { linkId, linkOfChat } = await route([A, B, C], withSource(B), undefined);
    expect(linkId).toBe(B);
    expect(linkOfChat).toHaveBeenCalledWith('8e4d4baa-9e6c-4a88-838a-5f62be227bdc', 'my_int-d5a421f7f218');
  });

  it('keeps a known chat with its link even when the message names another link’s source', async () => {
    // A chat never moves between numbers: one that once fell back to another number's source still carries it.
    expect((await route([A, B, C], withSource(B), C)).linkId).toBe(C);
  });

  it('sends a chat of an unlinked link (listed after the live ones) to it, never to the primary', async () => {
    // A has the scope alone; B was unlinked. The scope lists both, so B's chats stay B's.
    expect((await route([A, B], withSource(B), B)).linkId).toBe(B);
    expect((await route([A, B], withSource(undefined), B)).linkId).toBe(B);
  });

  it('falls back to the chat’s link for an unknown or absent source, by amojo chat id and our conversation id', async () => {
    for (const source of ['79039876543', undefined]) {
      const { linkId, linkOfChat } = await route([A, B, C], withSource(source), C);
      expect(linkId).toBe(C);
      expect(linkOfChat).toHaveBeenCalledWith('8e4d4baa-9e6c-4a88-838a-5f62be227bdc', 'my_int-d5a421f7f218');
    }
  });

  it('goes to the primary link when neither the source nor the chat names one', async () => {
    expect((await route([A, B], withSource(undefined), undefined)).linkId).toBe(A);
  });

  it('places typing (which names no source) by its chat', async () => {
    const { linkId, linkOfChat } = await route([A, B], hookFixture('hook-typing'), B);
    expect(linkId).toBe(B);
    expect(linkOfChat).toHaveBeenCalledWith('f1e4e02c-f502-4165-9377-8575c55c5ebd', 'c7');
  });
});
