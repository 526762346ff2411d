import type { LinkedStatus, LinkItem, LinkListResponse, UnlinkedStatus } from '../../../src/contracts/link';

/** A linked account's status as the backend answers an admin, for `account`: installed and connected. */
export function linkedStatus(account: LinkedStatus['account']): LinkedStatus & { webhook_url: string } {
  return {
    state: 'linked',
    account,
    installation: { state: 'active' },
    viewer: { user_id: 7, is_admin: true },
    connected: true,
    amojo_id: 'af9945ff-1490-4cad-807d-945c15d88bec',
    title: 'Chat',
    webhook_url: 'https://m.example/h',
    time_window_disabled: false,
    api_key_hint: 'ak_test_',
    created_at: '2026-11-29T12:00:00.000Z',
    updated_at: '2026-11-29T12:00:00.000Z',
  };
}

/** One-time credentials as a link or rotate answer carries them. */
export const testCredentials = { api_key: 'k'.repeat(24), signing_secret: 's'.repeat(32) };

/** An unlinked account's status: installed, and an admin asking. */
export function unlinkedStatus(account: LinkedStatus['account']): UnlinkedStatus {
  return {
    state: 'unlinked',
    account,
    installation: { state: 'active' },
    viewer: { user_id: 7, is_admin: true },
  };
}

/** One number as the list carries it to an admin: connected, its source synced. */
export function linkItem(fields: Partial<LinkItem> = {}): LinkItem {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    title: 'Chat',
    webhook_url: 'https://m.example/h',
    time_window_disabled: false,
    pipeline_id: null,
    source: { state: 'synced', id: 9 },
    api_key_hint: 'ak_test_',
    connected: true,
    created_at: '2026-11-29T12:00:00.000Z',
    updated_at: '2026-11-29T12:00:00.000Z',
    ...fields,
  };
}

/** `GET /api/widget/links` for an installed account and an admin, holding these numbers. */
export function linkList(links: LinkItem[] = [], limit = 100): LinkListResponse {
  return {
    account: { id: 1, subdomain: 'acme' },
    installation: { state: 'active' },
    viewer: { user_id: 7, is_admin: true },
    links,
    limit,
  };
}
