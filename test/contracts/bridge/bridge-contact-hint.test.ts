import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { formatIssues } from '../../../src/contracts/amojo';
import { bridgeContactHint, bridgeHistoryImportRequest, bridgeMessageRequest } from '../../../src/contracts/bridge';
import { phoneNumberMessage } from '../../../src/contracts/phone-number';

function issues(schema: z.core.$ZodType, value: unknown): string[] {
  const result = z.safeParse(schema, value);
  return result.success ? [] : formatIssues(result.error, value).map((i) => `${i.path}: ${i.message}`);
}

const message = {
  id: 'm-1',
  conversation: { id: 'c-1' },
  sender: { id: 'u-1', name: 'Ann' },
  message: { type: 'text', text: 'hi' },
};
const history = {
  import_id: 'imp-1',
  conversation: { id: 'c-1' },
  client: { id: 'u-1', name: 'Ann' },
  final: true,
  messages: [{ id: 'h-1', direction: 'in', sent_at: '2026-01-31T12:00:00Z', message: { type: 'text', text: 'x' } }],
};

describe('bridgeContactHint', () => {
  it.each([
    [{ id: 42 }],
    [{ phone: '+7 (916) 123-45-67', match: 'existing' }],
    [{ phone: '79161234567', match: 'existing' }],
    [{ email: 'Ann@Example.com', match: 'existing' }],
  ])('accepts %j, on a message and on a history import', (contact) => {
    expect(issues(bridgeContactHint, contact)).toEqual([]);
    expect(issues(bridgeMessageRequest, { ...message, contact })).toEqual([]);
    expect(issues(bridgeHistoryImportRequest, { ...history, contact })).toEqual([]);
  });

  it('keeps the hint as sent', () => {
    const parsed = z.parse(bridgeMessageRequest, {
      ...message,
      contact: { phone: '+7 916 1234567', match: 'existing' },
    });
    expect(parsed.contact).toEqual({ phone: '+7 916 1234567', match: 'existing' });
  });

  it('is optional', () => {
    expect(z.parse(bridgeMessageRequest, message).contact).toBeUndefined();
  });

  it.each([
    [{}, 'id: give exactly one of id, phone or email'],
    [{ id: 1, phone: '+79161234567', match: 'existing' }, 'id: give exactly one of id, phone or email'],
    [{ phone: '+79161234567', email: 'a@b.co', match: 'existing' }, 'id: give exactly one of id, phone or email'],
    [{ id: 0 }, 'id: must be > 0'],
    [{ id: -5 }, 'id: must be > 0'],
    [{ id: 1.5 }, 'id: expected int, got number'],
    [{ id: '42' }, 'id: expected number, got string'],
    [{ id: 42, match: 'existing' }, 'match: must be omitted with id'],
    [{ phone: '+79161234567' }, 'match: required with phone or email: "existing"'],
    [{ email: 'a@b.co', match: 'any' }, 'match: expected "existing"'],
    [{ phone: '8-800', match: 'existing' }, `phone: ${phoneNumberMessage}`],
    [{ email: 'not-an-email', match: 'existing' }, 'email: invalid email'],
    [{ id: 1, name: 'Ann' }, 'name: unknown field'],
  ])('refuses %j naming the field', (contact, expected) => {
    expect(issues(bridgeContactHint, contact)).toContain(expected);
    expect(issues(bridgeMessageRequest, { ...message, contact })).toContain(`contact.${expected}`);
  });
});
