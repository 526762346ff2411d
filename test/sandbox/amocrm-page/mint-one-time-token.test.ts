import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { mintOneTimeToken } from '../../../src/sandbox/amocrm-page/mint-one-time-token';
import { verifyOneTimeToken } from '../../../src/server/auth/verify-one-time-token';

const input = {
  secret: 'integration-secret-for-tests',
  clientId: '0b0832f6-d123-4123-9123-e73f236833c1',
  audience: 'https://channel.example.com/oauth/callback',
  accountId: 29_085_955,
  subdomain: 'shopa',
  domain: 'amocrm.ru',
  userId: 87_654_321,
  jti: '6f0e4b7c-2f7e-4b0a-9a3e-3f1d2c4b5a69',
  now: new Date('2026-03-02T10:00:00Z'),
};

describe('mintOneTimeToken', () => {
  it('signs HS256 with the integration secret and carries the documented claims', async () => {
    const token = await mintOneTimeToken(input);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(input.secret), {
      algorithms: ['HS256'],
      currentDate: input.now,
    });
    const iat = Math.floor(input.now.getTime() / 1000);
    expect(payload).toEqual({
      iss: 'https://shopa.amocrm.ru',
      aud: 'https://channel.example.com',
      jti: input.jti,
      iat,
      nbf: iat,
      exp: iat + 1800,
      account_id: input.accountId,
      user_id: input.userId,
      client_uuid: input.clientId,
      subdomain: 'shopa',
    });
  });

  it('does not verify with another secret', async () => {
    const token = await mintOneTimeToken(input);
    await expect(jwtVerify(token, new TextEncoder().encode('another-secret'))).rejects.toThrow();
  });

  it('passes the backend verifier for a Kommo account', async () => {
    const token = await mintOneTimeToken({ ...input, domain: 'kommo.com' });
    const identity = await verifyOneTimeToken(token, {
      secret: input.secret,
      clientId: input.clientId,
      audience: 'https://channel.example.com',
      now: new Date(input.now.getTime() + 60_000),
    });
    expect(identity).toMatchObject({
      accountId: input.accountId,
      userId: input.userId,
      subdomain: 'shopa',
      region: 'kommo',
      jti: input.jti,
    });
  });
});
