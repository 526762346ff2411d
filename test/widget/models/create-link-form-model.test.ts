import { signal } from '@preact/signals-core';
import { describe, expect, it } from 'vitest';
import type { LinkedStatus, LinkStatus } from '../../../src/contracts/link';
import { createLinkFormModel } from '../../../widget/models/create-link-form-model';
import { validateLinkForm } from '../../../widget/models/validate-link-form';

const linked: LinkedStatus = {
  state: 'linked',
  account: { id: 7, subdomain: 'acme' },
  installation: { state: 'active' },
  viewer: { user_id: 7, is_admin: true },
  connected: true,
  amojo_id: 'af9945ff-1490-4cad-807d-945c15d88bec',
  title: 'Chat',
  webhook_url: 'https://m.example/h',
  time_window_disabled: true,
  api_key_hint: 'ak_test_',
  created_at: '2026-11-29T12:00:00.000Z',
  updated_at: '2026-11-29T12:00:00.000Z',
};

describe('validateLinkForm', () => {
  it.each([
    [{ title: 'Chat', webhookUrl: 'https://m.example/h' }, {}],
    [
      { title: ' ', webhookUrl: '' },
      { title: 'form.error_title_required', webhook_url: 'form.error_webhook_required' },
    ],
    [
      { title: 'x'.repeat(256), webhookUrl: 'mailto:a@b.c' },
      { title: 'form.error_title_too_long', webhook_url: 'form.error_webhook_invalid' },
    ],
    [
      { title: 'ok', webhookUrl: `https://m.example/${'a'.repeat(2048)}` },
      { webhook_url: 'form.error_webhook_too_long' },
    ],
    [{ title: 'ok', webhookUrl: 'https:///nohost' }, { webhook_url: 'form.error_webhook_invalid' }],
  ])('%j -> %j', (values, expected) => {
    const errors = validateLinkForm(values);
    expect(Object.fromEntries(Object.entries(errors).map(([field, error]) => [field, error.key]))).toEqual(expected);
  });
});

describe('createLinkFormModel', () => {
  it('shows client errors only after a submit attempt and builds a trimmed request', () => {
    const form = createLinkFormModel({ defaultTitle: 'Messenger', status: signal<LinkStatus | null>(null) });
    form.setWebhookUrl('nope');
    expect(form.errors.value).toEqual({});
    expect(form.toRequest('af9945ff-1490-4cad-807d-945c15d88bec')).toBeNull();
    expect(form.errors.value.webhook_url?.key).toBe('form.error_webhook_invalid');
    form.setWebhookUrl('  https://m.example/h  ');
    expect(form.toRequest('af9945ff-1490-4cad-807d-945c15d88bec')).toEqual({
      amojo_id: 'af9945ff-1490-4cad-807d-945c15d88bec',
      title: 'Messenger',
      webhook_url: 'https://m.example/h',
      time_window_disabled: false,
    });
  });

  it('is dirty against the linked values, and marks fields the backend refused until they are edited', () => {
    const status = signal<LinkStatus | null>(linked);
    const form = createLinkFormModel({ defaultTitle: 'Messenger', status });
    form.fill(linked);
    expect(form.dirty.value).toBe(false);
    form.setTimeWindowDisabled(false);
    expect(form.dirty.value).toBe(true);
    form.applyFailure({
      kind: 'backend',
      status: 400,
      code: 'invalid_request',
      message: '',
      issues: [{ path: 'title', message: '' }],
    });
    expect(form.errors.value).toEqual({ title: { key: 'form.error_rejected' } });
    form.setTitle('Other');
    expect(form.errors.value).toEqual({});
  });

  it('counts an unlinked form as dirty once a webhook URL is entered', () => {
    const form = createLinkFormModel({ defaultTitle: 'M', status: signal<LinkStatus | null>(null) });
    expect(form.dirty.value).toBe(false);
    form.setWebhookUrl('https://m.example/h');
    expect(form.dirty.value).toBe(true);
  });
});
