import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { isHttpUrl, linkActionRequestSchema, linkPutRequestSchema } from '../../../src/contracts/link';
import { storableLinkPutRequestSchema } from '../../../src/contracts/link/storable-link-put-request';
import request from '../../fixtures/amojo/request-connect.json' with { type: 'json' };

const valid = {
  amojo_id: request.account_id,
  title: 'ChatIntegration',
  webhook_url: 'https://messenger.example.com/hooks/crm',
  time_window_disabled: request.is_time_window_disabled,
};

function issuePaths(body: unknown): string[] {
  const result = z.safeParse(linkPutRequestSchema, body);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.') || '(root)');
}

describe('PUT /api/widget/link body', () => {
  it('takes the amojo connect fields from the docs fixture', () => {
    expect(z.parse(linkPutRequestSchema, valid)).toEqual(valid);
  });

  it('trims the title before checking its length', () => {
    expect(z.parse(linkPutRequestSchema, { ...valid, title: '  Chat  ' }).title).toBe('Chat');
    expect(issuePaths({ ...valid, title: '   ' })).toEqual(['title']);
    expect(issuePaths({ ...valid, title: 'x'.repeat(256) })).toEqual(['title']);
  });

  it('names every bad field, and refuses unknown ones (an account id never comes from the body)', () => {
    expect(issuePaths({ ...valid, amojo_id: 'nope', webhook_url: 'ftp://x', time_window_disabled: 'yes' })).toEqual([
      'amojo_id',
      'webhook_url',
      'time_window_disabled',
    ]);
    expect(issuePaths({ ...valid, account_id: 1 })).toEqual(['(root)']);
    expect(issuePaths({ title: 'x' })).toEqual(['amojo_id', 'webhook_url', 'time_window_disabled']);
  });

  it.each([
    ['https://messenger.example.com/hooks/crm?x=1', true],
    ['http://127.0.0.1:9000/hook', true],
    ['HTTPS://EXAMPLE.COM', true],
    ['javascript:alert(1)', false],
    ['https:///path-only', false],
    ['//example.com/x', false],
    ['https://exa mple.com', false],
    ['', false],
  ])('accepts %s as a webhook URL: %s', (url, ok) => {
    expect(isHttpUrl(url)).toBe(ok);
    expect(issuePaths({ ...valid, webhook_url: url })).toEqual(ok ? [] : ['webhook_url']);
  });

  it.each(['a\u0000b', 'a\ud800b', '\udc00', 'x\ude00\ud83d'])(
    'the backend refuses %j in the title or the webhook URL, which the database could not keep',
    (bad) => {
      const storedPaths = (body: unknown) => {
        const result = z.safeParse(storableLinkPutRequestSchema, body);
        return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
      };
      expect(storedPaths({ ...valid, title: bad })).toEqual(['title']);
      expect(storedPaths({ ...valid, webhook_url: `https://messenger.example.com/${bad}` })).toEqual(['webhook_url']);
      expect(storedPaths({ ...valid, title: 'Chat 👍' })).toEqual([]);
    },
  );

  it('rotate and test take an empty object', () => {
    expect(z.safeParse(linkActionRequestSchema, {}).success).toBe(true);
    expect(z.safeParse(linkActionRequestSchema, { force: true }).success).toBe(false);
  });
});
