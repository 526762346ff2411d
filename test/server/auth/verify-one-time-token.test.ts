import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/http/app-error';
import { verifyOneTimeToken } from '../../../src/server/auth/verify-one-time-token';

const SECRET = 'integration-secret-for-tests-0123456789';
const CLIENT_ID = '0b0832f6-d123-4123-9123-e73f236833c1';
const AUDIENCE = 'https://external.integration.io';
const NOW = new Date('2020-07-08T10:30:45Z'); // iat of the docs' example
const IAT = 1594204245;

/** The docs' example payload (oauth/disposable-tokens.md), with a client_uuid in the UUID form. */
const docsClaims = (): Record<string, unknown> => ({
  iss: 'https://subdomain.amocrm.ru',
  aud: 'https://external.integration.io',
  jti: 'd628f123-5123-473e-a123-ed123ef31f8f',
  iat: IAT,
  nbf: IAT,
  exp: IAT + 1800,
  account_id: 12345678,
  user_id: 87654321,
  subdomain: 'subdomain',
  client_uuid: CLIENT_ID,
});

async function sign(claims: Record<string, unknown>, options: { secret?: string; alg?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

function verify(token: string | undefined, now = NOW) {
  return verifyOneTimeToken(token, { secret: SECRET, clientId: CLIENT_ID, audience: AUDIENCE, now });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'accepted';
}

const withClaims = (patch: Record<string, unknown>) => {
  const claims = { ...docsClaims(), ...patch };
  for (const [key, value] of Object.entries(claims)) if (value === undefined) delete claims[key];
  return sign(claims);
};

describe('verifyOneTimeToken', () => {
  it('accepts the docs example and returns who sent it', async () => {
    expect(await verify(await sign(docsClaims()))).toEqual({
      accountId: 12345678,
      userId: 87654321,
      subdomain: 'subdomain',
      domain: 'amocrm.ru',
      region: 'ru',
      accountOrigin: 'https://subdomain.amocrm.ru',
      jti: 'd628f123-5123-473e-a123-ed123ef31f8f',
      expiresAt: (IAT + 1800) * 1000,
    });
  });

  it.each([
    ['https://acme.amocrm.com', 'com', 'acme'],
    ['https://acme-2.kommo.com', 'kommo', 'acme-2'],
    ['https://acme.amocrm.ru/', 'ru', 'acme'],
  ])('derives region and subdomain from iss %s', async (iss, region, subdomain) => {
    const identity = await verify(await withClaims({ iss, subdomain }));
    expect(identity).toMatchObject({ region, subdomain });
  });

  it('needs the header (auth_missing)', async () => {
    expect(await codeOf(verify(undefined))).toBe('auth_missing');
    expect(await codeOf(verify('  '))).toBe('auth_missing');
  });

  it.each([
    ['garbage', 'not-a-jwt'],
    ['three empty parts', '..'],
    ['oversized', 'a'.repeat(5000)],
  ])('refuses a malformed token: %s', async (_name, token) => {
    expect(await codeOf(verify(token))).toBe('auth_invalid');
  });

  it('refuses a token signed with another secret', async () => {
    expect(await codeOf(verify(await sign(docsClaims(), { secret: 'someone-elses-secret-0123456789' })))).toBe(
      'auth_invalid',
    );
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, , signature] = (await sign(docsClaims())).split('.');
    const forged = Buffer.from(JSON.stringify({ ...docsClaims(), account_id: 1 })).toString('base64url');
    expect(await codeOf(verify(`${header}.${forged}.${signature}`))).toBe('auth_invalid');
  });

  it('refuses alg none, even with a valid-looking payload', async () => {
    const token = new UnsecuredJWT(docsClaims()).encode();
    expect(await codeOf(verify(token))).toBe('auth_invalid');
    // And with a signature part copied from a real token.
    const real = (await sign(docsClaims())).split('.')[2];
    expect(await codeOf(verify(`${token}${real}`))).toBe('auth_invalid');
  });

  it('refuses HS512 signed with the right secret, and RS256', async () => {
    expect(await codeOf(verify(await sign(docsClaims(), { alg: 'HS512' })))).toBe('auth_invalid');
    const { privateKey } = await generateKeyPair('RS256');
    const rs = await new SignJWT(docsClaims()).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    expect(await codeOf(verify(rs))).toBe('auth_invalid');
  });

  it('allows 30 s of clock skew on exp, not more (auth_expired)', async () => {
    const token = await sign(docsClaims());
    const exp = (IAT + 1800) * 1000;
    expect(await codeOf(verify(token, new Date(exp + 29_000)))).toBe('accepted');
    expect(await codeOf(verify(token, new Date(exp + 31_000)))).toBe('auth_expired');
  });

  it('allows 30 s of clock skew on nbf, not more (auth_expired)', async () => {
    const token = await sign(docsClaims());
    expect(await codeOf(verify(token, new Date((IAT - 29) * 1000)))).toBe('accepted');
    expect(await codeOf(verify(token, new Date((IAT - 31) * 1000)))).toBe('auth_expired');
  });

  it('refuses an expired token signed with another secret as invalid, not expired', async () => {
    const token = await sign(docsClaims(), { secret: 'someone-elses-secret-0123456789' });
    expect(await codeOf(verify(token, new Date((IAT + 7200) * 1000)))).toBe('auth_invalid');
  });

  it.each([
    ['another origin', 'https://evil.example.com'],
    ['http instead of https', 'http://external.integration.io'],
    ['another port', 'https://external.integration.io:8443'],
    ['not a URL', 'external.integration.io'],
    ['missing', undefined],
  ])('refuses aud: %s', async (_name, aud) => {
    expect(await codeOf(verify(await withClaims({ aud })))).toBe('auth_invalid');
  });

  it('accepts aud with the redirect path or as an array containing the origin', async () => {
    expect(await codeOf(verify(await withClaims({ aud: 'https://external.integration.io/oauth/callback' })))).toBe(
      'accepted',
    );
    expect(await codeOf(verify(await withClaims({ aud: ['https://other.example', AUDIENCE] })))).toBe('accepted');
  });

  it.each([
    ['another integration', '11111111-2222-4333-8444-555555555555'],
    ['missing', undefined],
    ['not a string', 42],
  ])('refuses client_uuid: %s', async (_name, client_uuid) => {
    expect(await codeOf(verify(await withClaims({ client_uuid })))).toBe('auth_invalid');
  });

  it('compares client_uuid without regard to case', async () => {
    expect(await codeOf(verify(await withClaims({ client_uuid: CLIENT_ID.toUpperCase() })))).toBe('accepted');
  });

  it.each([
    ['another site', 'https://subdomain.example.com'],
    ['a lookalike suffix', 'https://subdomain.amocrm.ru.evil.com'],
    ['a lookalike prefix', 'https://subdomainamocrm.ru'],
    ['http', 'http://subdomain.amocrm.ru'],
    ['a port', 'https://subdomain.amocrm.ru:444'],
    ['a path', 'https://subdomain.amocrm.ru/private'],
    ['nested labels', 'https://a.subdomain.amocrm.ru'],
    ['credentials', 'https://x@subdomain.amocrm.ru'],
    ['the bare domain', 'https://amocrm.ru'],
    ['missing', undefined],
  ])('refuses iss: %s', async (_name, iss) => {
    expect(await codeOf(verify(await withClaims({ iss, subdomain: undefined })))).toBe('auth_invalid');
  });

  it('refuses a subdomain claim that disagrees with iss', async () => {
    expect(await codeOf(verify(await withClaims({ subdomain: 'other' })))).toBe('auth_invalid');
  });

  it.each([
    ['account_id as a string', { account_id: '12345678' }],
    ['account_id zero', { account_id: 0 }],
    ['account_id fractional', { account_id: 1.5 }],
    ['user_id missing', { user_id: undefined }],
    ['jti missing', { jti: undefined }],
    ['jti empty', { jti: '' }],
    ['exp missing', { exp: undefined }],
  ])('refuses %s', async (_name, patch) => {
    expect(await codeOf(verify(await withClaims(patch)))).toBe('auth_invalid');
  });
});
