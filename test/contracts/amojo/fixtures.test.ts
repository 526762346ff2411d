import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { formatIssues, parseAmojoWebhook } from '../../../src/contracts/amojo';
import {
  fixturesDir,
  hookFixtures,
  messageEventFixtures,
  messageEventRequest,
  schemaFixtures,
} from '../../fixtures/amojo';

describe('amojo doc examples', () => {
  it('lists every stored example exactly once', () => {
    const stored = readdirSync(fixturesDir).filter((name) => name.endsWith('.json'));
    const listed = [...schemaFixtures, ...hookFixtures].map((f) => f.file);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...stored].sort());
  });

  for (const fixture of schemaFixtures.filter((f) => f.rejected === undefined)) {
    it(`${fixture.file} ${fixture.source} parses with its schema`, () => {
      const result = z.safeParse(fixture.schema, fixture.json);
      expect(result.success ? [] : formatIssues(result.error, fixture.json)).toEqual([]);
    });
  }

  it('refuses the [ref] delivery_status table example and names why (chats-api §3.6 #1)', () => {
    const fixture = schemaFixtures.find((f) => f.rejected !== undefined);
    expect(fixture?.file).toBe('request-delivery-status-doc-table.json');
    const result = z.safeParse(fixture!.schema, fixture!.json);
    expect(result.success).toBe(false);
    const issues = formatIssues(result.error!, fixture!.json);
    expect(issues).toContainEqual({ path: 'status_code', message: 'unknown field' });
    expect(issues).toContainEqual({ path: 'msgid', message: 'required (string)' });
    expect(issues).toContainEqual({ path: 'delivery_status', message: 'required (one of 1, 2, -1)' });
  });

  for (const fixture of messageEventFixtures) {
    it(`${fixture.file} also parses with messageEventRequest`, () => {
      expect(z.safeParse(messageEventRequest, fixture.json).success).toBe(true);
    });
  }

  for (const fixture of hookFixtures) {
    it(`${fixture.file} ${fixture.source} is read as a ${fixture.kind} hook`, () => {
      const result = parseAmojoWebhook(fixture.json);
      expect(result.kind === 'invalid' ? result.issues : result.kind).toBe(fixture.kind);
    });
  }
});
