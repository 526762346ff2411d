import { describe, expect, it } from 'vitest';
import { bridgeOpenApi } from '../../src/bridge/bridge-openapi';
import { bridgePaths } from '../../src/contracts/bridge';

function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refs(item, found);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') found.push(item);
      else refs(item, found);
    }
  }
  return found;
}

describe('bridgeOpenApi', () => {
  const doc = bridgeOpenApi();

  it('documents every bridge route, in OpenAPI path syntax', () => {
    const expected = Object.values(bridgePaths).map((p) => p.replace(/:(\w+)/g, '{$1}'));
    expect(Object.keys(doc.paths).sort()).toEqual([...new Set(expected)].sort());
  });

  it('resolves every internal $ref and is plain JSON', () => {
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
    const local = refs({ paths: doc.paths, webhooks: doc.webhooks }).filter((r) =>
      r.startsWith('#/components/schemas/'),
    );
    expect(local.length).toBeGreaterThan(10);
    for (const ref of local) expect(schemas[ref.slice('#/components/schemas/'.length)]).toBeDefined();
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('describes the message body from the contract (fields and types)', () => {
    const schemas = (
      doc.components as { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> }
    ).schemas;
    const message = schemas.BridgeMessageRequest;
    expect(message?.required).toEqual(expect.arrayContaining(['id', 'conversation', 'sender', 'message']));
    expect(Object.keys(message?.properties ?? {})).toEqual(
      expect.arrayContaining(['reply_to', 'forward', 'post', 'silent', 'sent_at', 'source']),
    );
    expect(JSON.stringify(schemas.BridgeOutboundEvent)).toContain('conversation.started');
  });
});
