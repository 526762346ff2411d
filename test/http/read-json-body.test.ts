import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { AppError } from '../../src/http/app-error';
import { type JsonBodyWording, readJsonBody } from '../../src/http/read-json-body';

const schema = z.strictObject({ a: z.optional(z.number()) });

const request = (body: string | undefined, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  new Request('http://backend.test/x', { method: 'POST', headers, ...(body === undefined ? {} : { body }) });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => {
      if (!(error instanceof AppError)) throw error;
      return { status: error.status, code: error.code, message: error.message, issues: error.issues };
    },
  );

describe('readJsonBody', () => {
  it.each([
    'application/json',
    'application/json; charset=UTF-8',
    'Application/JSON',
    ' application/json ;charset=utf-8',
    'application/merge-patch+json',
    'application/vnd.api+json; charset=utf-8',
  ])('takes %s', async (type) => {
    expect(await readJsonBody(request('{"a":1}', { 'content-type': type }), schema, { maxBytes: 100 })).toEqual({
      a: 1,
    });
  });

  it.each(['text/plain', 'application/jsonx', 'application/+json', 'text/x+json', 'application/json x', ''])(
    'refuses %j with 415',
    async (type) => {
      const refused = await failure(readJsonBody(request('{}', { 'content-type': type }), schema, { maxBytes: 100 }));
      expect(refused).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    },
  );

  it('checks in order: content type, size, JSON, schema', async () => {
    const big = `{"a":${'1'.repeat(200)}}`;
    expect(await failure(readJsonBody(request(big, {}), schema, { maxBytes: 100 }))).toMatchObject({ status: 415 });
    expect(await failure(readJsonBody(request(big), schema, { maxBytes: 100 }))).toMatchObject({ status: 413 });
    expect(await failure(readJsonBody(request('{"a":'), schema, { maxBytes: 100 }))).toEqual({
      status: 400,
      code: 'invalid_request',
      message: 'The body is not valid JSON.',
      issues: [{ path: '', message: 'malformed JSON' }],
    });
    expect(await failure(readJsonBody(request('{"a":"1"}'), schema, { maxBytes: 100 }))).toMatchObject({
      status: 400,
      message: 'The body does not match the request schema.',
      issues: [{ path: 'a' }],
    });
  });

  it('reads an absent or empty optional body as {}, and still refuses any other body that is not JSON', async () => {
    const optional = { maxBytes: 100, optional: true };
    expect(await readJsonBody(request(undefined, {}), schema, optional)).toEqual({});
    expect(await readJsonBody(request(''), schema, optional)).toEqual({});
    expect(await readJsonBody(request('{"a":2}'), schema, optional)).toEqual({ a: 2 });
    expect(await failure(readJsonBody(request('{}', {}), schema, optional))).toMatchObject({ status: 415 });
    expect(await failure(readJsonBody(request(undefined, {}), schema, { maxBytes: 100 }))).toMatchObject({
      status: 415,
    });
    expect(await failure(readJsonBody(request(''), schema, { maxBytes: 100 }))).toMatchObject({ status: 400 });
  });

  it("speaks a caller's own wording, with or without a root issue for malformed JSON", async () => {
    const wording: JsonBodyWording = {
      unsupportedMediaType: 'type',
      tooLarge: (maxBytes) => `over ${maxBytes}`,
      malformed: 'syntax',
      malformedIssue: false,
      schemaMismatch: 'schema',
    };
    const options = { maxBytes: 10, wording };
    expect(await failure(readJsonBody(request('{}', {}), schema, options))).toMatchObject({ message: 'type' });
    expect(await failure(readJsonBody(request('{"a":12345678}'), schema, options))).toMatchObject({
      message: 'over 10',
    });
    expect(await failure(readJsonBody(request('{'), schema, options))).toEqual({
      status: 400,
      code: 'invalid_request',
      message: 'syntax',
      issues: undefined,
    });
    expect(await failure(readJsonBody(request('{"b":1}'), schema, options))).toMatchObject({ message: 'schema' });
  });
});
