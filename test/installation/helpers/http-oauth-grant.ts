import type { OAuthGrant } from '../../../src/amocrm/amocrm-client';
import { AmocrmError } from '../../../src/amocrm/amocrm-error';

/** A bare OAuthGrant over HTTP for the race test's children (the real one is src/amocrm/oauth-grant.ts). */
export function httpOAuthGrant(): OAuthGrant {
  const endpoint = 'POST /oauth2/access_token';
  const post = async (baseUrl: string, body: Record<string, string>) => {
    const response = await fetch(`${baseUrl}/oauth2/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status === 400 || response.status === 401) {
      throw new AmocrmError('grant_refused', 'grant refused', { endpoint, status: response.status });
    }
    if (!response.ok) throw new AmocrmError('upstream_error', 'token endpoint failed', { endpoint });
    const json = (await response.json()) as { access_token: string; refresh_token: string; expires_in: number };
    return {
      accessToken: json.access_token,
      refreshToken: json.refresh_token,
      accessExpiresAt: Date.now() + json.expires_in * 1000,
    };
  };
  return {
    exchangeCode: (baseUrl, code) => post(baseUrl, { grant_type: 'authorization_code', code }),
    refresh: (baseUrl, refreshToken) => post(baseUrl, { grant_type: 'refresh_token', refresh_token: refreshToken }),
  };
}
