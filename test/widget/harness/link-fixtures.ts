import type { LinkedStatus, UnlinkedStatus } from '../../../src/contracts/link';

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
