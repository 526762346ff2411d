import { describe, expect, it } from 'vitest';
import type { LinkItem } from '../../../src/contracts/link';
import { createLinkFormModel } from '../../../widget/models/create-link-form-model';
import { validateLinkForm } from '../../../widget/models/validate-link-form';

const linked: LinkItem = {
  id: '00000000-0000-4000-8000-000000000001',
  title: 'Chat',
  webhook_url: 'https://m.example/h',
  time_window_disabled: true,
  pipeline_id: 3001,
  source: { state: 'synced', id: 9 },
  api_key_hint: 'ak_test_',
  connected: true,
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
  it('is closed until opened; a new number shows client errors only after a submit attempt and builds a trimmed request', () => {
    const form = createLinkFormModel({ defaultTitle: 'Messenger' });
    expect(form.target.value).toBeNull();
    expect(form.dirty.value).toBe(false);
    form.open('new', 3002);
    expect(form.pipelineId.value).toBe(3002);
    form.setWebhookUrl('nope');
    expect(form.errors.value).toEqual({});
    expect(form.toRequest()).toBeNull();
    expect(form.errors.value.webhook_url?.key).toBe('form.error_webhook_invalid');
    form.setWebhookUrl('  https://m.example/h  ');
    expect(form.toRequest()).toEqual({
      title: 'Messenger',
      webhook_url: 'https://m.example/h',
      time_window_disabled: false,
      pipeline_id: 3002,
    });
  });

  it('is dirty against the number it edits, and marks fields the backend refused until they are edited', () => {
    const form = createLinkFormModel({ defaultTitle: 'Messenger' });
    form.open(linked);
    expect(form.title.value).toBe('Chat');
    expect(form.dirty.value).toBe(false);
    form.setPipelineId(null);
    expect(form.dirty.value).toBe(true);
    form.setPipelineId(3001);
    form.setTimeWindowDisabled(false);
    expect(form.dirty.value).toBe(true);
    form.applyFailure({
      kind: 'backend',
      status: 400,
      code: 'invalid_request',
      issues: [{ path: 'title' }],
    });
    expect(form.errors.value).toEqual({ title: { key: 'form.error_rejected' } });
    form.setTitle('Other');
    expect(form.errors.value).toEqual({});
    form.applyFailure({ kind: 'backend', status: 422, code: 'pipeline_not_found', issues: [] });
    expect(form.errors.value).toEqual({ pipeline_id: { key: 'form.error_rejected' } });
    form.setPipelineId(null);
    expect(form.errors.value).toEqual({});
  });

  it('counts a new number as dirty once a webhook URL is entered, and reopening starts afresh', () => {
    const form = createLinkFormModel({ defaultTitle: 'M', defaultWebhookUrl: '' });
    form.open('new');
    expect(form.dirty.value).toBe(false);
    form.setWebhookUrl('https://m.example/h');
    expect(form.dirty.value).toBe(true);
    form.close();
    expect(form.dirty.value).toBe(false);
    form.open('new');
    expect(form.webhookUrl.value).toBe('');
  });
});
