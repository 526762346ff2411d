import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { formatIssues } from '../../src/contracts/amojo';

const schema = z.strictObject({
  payload: z.strictObject({
    items: z.array(z.strictObject({ name: z.string() })),
    kind: z.enum(['a', 'b']),
    choice: z.exactOptional(z.union([z.strictObject({ url: z.string() }), z.strictObject({ id: z.number() })])),
    note: z.exactOptional(z.string().check(z.maxLength(3))),
    tags: z.exactOptional(z.array(z.string()).check(z.minLength(2))),
  }),
});

function run(value: unknown, withInput = true) {
  const result = z.safeParse(schema, value);
  if (result.success) throw new Error('expected a failure');
  return withInput ? formatIssues(result.error, value) : formatIssues(result.error);
}

describe('formatIssues', () => {
  it('joins paths with dots, array indexes included', () => {
    expect(run({ payload: { items: [{ name: 'x' }, { name: 7 }], kind: 'a' } })).toEqual([
      { path: 'payload.items.1.name', message: 'expected string, got number' },
    ]);
  });

  it('tells a missing field from a wrong one when given the input, and stays generic without it', () => {
    const value = { payload: { items: [], kind: 'c' } };
    expect(run({ payload: { kind: 'a' } })).toEqual([{ path: 'payload.items', message: 'required (array)' }]);
    expect(run({ payload: { kind: 'a' } }, false)).toEqual([{ path: 'payload.items', message: 'expected array' }]);
    expect(run(value)).toEqual([{ path: 'payload.kind', message: 'expected one of "a", "b"' }]);
  });

  it('uses zod’s own copy of the input when the parse was asked to report it', () => {
    const result = z.safeParse(schema, { payload: { items: null, kind: 'a' } }, { reportInput: true });
    expect(formatIssues(result.error!)).toEqual([{ path: 'payload.items', message: 'expected array, got null' }]);
  });

  it('gives every unknown key its own entry', () => {
    expect(run({ payload: { items: [], kind: 'a', x: 1, y: 2 }, z: 3 })).toEqual([
      { path: 'payload.x', message: 'unknown field' },
      { path: 'payload.y', message: 'unknown field' },
      { path: 'z', message: 'unknown field' },
    ]);
  });

  it('reports the closest union branch with full paths', () => {
    expect(run({ payload: { items: [], kind: 'a', choice: { id: 'seven' } } })).toEqual([
      { path: 'payload.choice.id', message: 'expected number, got string' },
    ]);
  });

  it('words length limits and keeps custom refinement messages', () => {
    expect(run({ payload: { items: [], kind: 'a', note: 'long', tags: ['x'] } })).toEqual([
      { path: 'payload.note', message: 'must have at most 3 characters' },
      { path: 'payload.tags', message: 'must have at least 2 items' },
    ]);
    const refined = z.string().check(z.refine((s) => s.startsWith('+'), { message: 'phone must start with +' }));
    expect(formatIssues(z.safeParse(refined, '7999').error!)).toEqual([
      { path: '', message: 'phone must start with +' },
    ]);
  });

  it('never echoes the offending value', () => {
    const secret = 'sk-live-123456';
    const messages = run({ payload: { items: [{ name: 1 }], kind: secret, note: secret } }).map((i) => i.message);
    expect(messages.join(' ')).not.toContain(secret);
  });
});
