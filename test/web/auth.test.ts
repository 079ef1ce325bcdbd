/**
 * The sign-in code, unit by unit: the PKCE authorization code flow against a scripted token endpoint (RFC 7636
 * challenge, state and nonce checks, replay, refresh, sign-out URLs) and the runtime configuration the app reads
 * from /config.json. The same code against a real provider, in Chromium: test/web/oidc.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  base64url,
  beginSignIn,
  codeChallenge,
  completeSignIn,
  decodeJwtPayload,
  type KeyValueStorage,
  type OidcSettings,
  randomToken,
  refreshTokens,
  SignInError,
  signOutUrl,
} from '../../web/src/auth/pkce.ts';
import { ConfigError, oidcSettings, parseRuntimeConfig } from '../../web/src/config.ts';

class MemoryStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

const SETTINGS: OidcSettings = {
  authorizationEndpoint: 'https://danh-gia.auth.ap-southeast-1.amazoncognito.com/oauth2/authorize',
  tokenEndpoint: 'https://danh-gia.auth.ap-southeast-1.amazoncognito.com/oauth2/token',
  endSessionEndpoint: 'https://danh-gia.auth.ap-southeast-1.amazoncognito.com/logout',
  clientId: 'client-123',
  scopes: ['openid', 'email', 'profile'],
  bearer: 'id_token',
  logoutStyle: 'cognito',
};

const NOW = Date.UTC(2026, 10, 26, 3, 0, 0);
const REDIRECT = 'https://danhgia.example.gov.vn/auth/callback';

/** An unsigned JWT with these claims (the browser never checks signatures; the API does). */
const jwt = (claims: Record<string, unknown>) =>
  `${base64url(new TextEncoder().encode('{"alg":"RS256"}'))}.${base64url(new TextEncoder().encode(JSON.stringify(claims)))}.sig`;

interface Call {
  url: string;
  form: URLSearchParams;
}

function fakeTokenEndpoint(response: (form: URLSearchParams) => { status: number; body: unknown }) {
  const calls: Call[] = [];
  const fetcher: typeof fetch = async (input, init) => {
    const form = new URLSearchParams(String(init?.body ?? ''));
    calls.push({ url: String(input), form });
    const { status, body } = response(form);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { fetcher, calls };
}

async function begin(storage = new MemoryStorage()) {
  const url = new URL(
    await beginSignIn(SETTINGS, storage, { redirectUri: REDIRECT, returnTo: '/phe-duyet?ky=2026-11' }),
  );
  return { url, storage };
}

describe('PKCE (RFC 7636)', () => {
  it('derives the S256 challenge of the RFC 7636 appendix B example', async () => {
    expect(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes verifiers of 43 unreserved characters, different every time', () => {
    const a = randomToken(32);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken(32)).not.toBe(a);
  });

  it('sends the browser to the authorization endpoint with the code challenge, state and nonce', async () => {
    const { url, storage } = await begin();
    expect(`${url.origin}${url.pathname}`).toBe(SETTINGS.authorizationEndpoint);
    const p = url.searchParams;
    expect(p.get('response_type')).toBe('code');
    expect(p.get('client_id')).toBe('client-123');
    expect(p.get('redirect_uri')).toBe(REDIRECT);
    expect(p.get('scope')).toBe('openid email profile');
    expect(p.get('code_challenge_method')).toBe('S256');
    const pending = JSON.parse(storage.getItem('danh-gia.oidc.pending') ?? '{}');
    expect(p.get('state')).toBe(pending.state);
    expect(p.get('nonce')).toBe(pending.nonce);
    expect(p.get('code_challenge')).toBe(await codeChallenge(pending.verifier));
    // The verifier itself never leaves the browser.
    expect(url.toString()).not.toContain(pending.verifier);
  });

  it('exchanges the code with the verifier and returns the ID token as bearer', async () => {
    const { url, storage } = await begin();
    const pending = JSON.parse(storage.getItem('danh-gia.oidc.pending') ?? '{}');
    const idToken = jwt({ aud: 'client-123', nonce: url.searchParams.get('nonce'), exp: NOW / 1000 + 3600 });
    const { fetcher, calls } = fakeTokenEndpoint(() => ({
      status: 200,
      body: {
        id_token: idToken,
        access_token: jwt({ exp: NOW / 1000 + 3600 }),
        refresh_token: 'r1',
        expires_in: 3600,
      },
    }));
    const state = url.searchParams.get('state');
    const result = await completeSignIn(SETTINGS, storage, `${REDIRECT}?code=abc&state=${state}`, {
      fetcher,
      now: NOW,
    });
    expect(result.returnTo).toBe('/phe-duyet?ky=2026-11');
    expect(result.tokens).toEqual({
      bearer: idToken,
      idToken,
      refreshToken: 'r1',
      expiresAt: NOW + 3_600_000,
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe(SETTINGS.tokenEndpoint);
    expect(Object.fromEntries(calls[0]?.form ?? [])).toEqual({
      grant_type: 'authorization_code',
      client_id: 'client-123',
      code: 'abc',
      redirect_uri: REDIRECT,
      code_verifier: pending.verifier,
    });
    // The secrets are gone: the same callback cannot be replayed.
    await expect(
      completeSignIn(SETTINGS, storage, `${REDIRECT}?code=abc&state=${state}`, { fetcher, now: NOW }),
    ).rejects.toThrow(SignInError);
  });

  it('refuses a callback whose state is not ours, without calling the token endpoint', async () => {
    const { storage } = await begin();
    const { fetcher, calls } = fakeTokenEndpoint(() => ({ status: 200, body: {} }));
    await expect(
      completeSignIn(SETTINGS, storage, `${REDIRECT}?code=abc&state=forged`, { fetcher, now: NOW }),
    ).rejects.toThrow(/state/);
    expect(calls).toHaveLength(0);
  });

  it('refuses an ID token with another nonce or for another client', async () => {
    for (const claims of [
      { aud: 'client-123', nonce: 'other', exp: NOW / 1000 + 60 },
      { aud: 'someone-else', exp: NOW / 1000 + 60 },
    ]) {
      const { url, storage } = await begin();
      const idToken = jwt({ nonce: url.searchParams.get('nonce'), ...claims });
      const { fetcher } = fakeTokenEndpoint(() => ({ status: 200, body: { id_token: idToken } }));
      await expect(
        completeSignIn(SETTINGS, storage, `${REDIRECT}?code=c&state=${url.searchParams.get('state')}`, {
          fetcher,
          now: NOW,
        }),
      ).rejects.toThrow(SignInError);
    }
  });

  it("reports the provider's error and a refused code exchange in Vietnamese", async () => {
    const { storage } = await begin();
    await expect(
      completeSignIn(SETTINGS, storage, `${REDIRECT}?error=access_denied&error_description=User+cancelled`, {
        now: NOW,
      }),
    ).rejects.toThrow('Đăng nhập không thành công: User cancelled.');
    const { url, storage: s2 } = await begin();
    const { fetcher } = fakeTokenEndpoint(() => ({ status: 400, body: { error: 'invalid_grant' } }));
    await expect(
      completeSignIn(SETTINGS, s2, `${REDIRECT}?code=c&state=${url.searchParams.get('state')}`, {
        fetcher,
        now: NOW,
      }),
    ).rejects.toThrow('Máy chủ đăng nhập từ chối (400: invalid_grant).');
  });

  it('refreshes with the refresh token and keeps it when the provider sends none', async () => {
    const idToken = jwt({ aud: 'client-123', exp: NOW / 1000 + 3600 });
    const { fetcher, calls } = fakeTokenEndpoint(() => ({
      status: 200,
      body: { id_token: idToken, expires_in: 3600 },
    }));
    const tokens = await refreshTokens(SETTINGS, 'r1', { fetcher, now: NOW });
    expect(tokens).toEqual({ bearer: idToken, idToken, refreshToken: 'r1', expiresAt: NOW + 3_600_000 });
    expect(Object.fromEntries(calls[0]?.form ?? [])).toEqual({
      grant_type: 'refresh_token',
      client_id: 'client-123',
      refresh_token: 'r1',
    });
  });

  it('ends the provider session: Cognito with logout_uri, OIDC with id_token_hint', () => {
    const cognito = new URL(
      signOutUrl(SETTINGS, { returnTo: 'https://danhgia.example.gov.vn/', idToken: 'x' }) ?? '',
    );
    expect(cognito.pathname).toBe('/logout');
    expect(cognito.searchParams.get('client_id')).toBe('client-123');
    expect(cognito.searchParams.get('logout_uri')).toBe('https://danhgia.example.gov.vn/');
    const oidc = new URL(
      signOutUrl(
        { ...SETTINGS, logoutStyle: 'oidc', endSessionEndpoint: 'https://sso.example.gov.vn/logout' },
        { returnTo: 'https://danhgia.example.gov.vn/', idToken: 'tok' },
      ) ?? '',
    );
    expect(oidc.searchParams.get('post_logout_redirect_uri')).toBe('https://danhgia.example.gov.vn/');
    expect(oidc.searchParams.get('id_token_hint')).toBe('tok');
    const { endSessionEndpoint: _none, ...noEndpoint } = SETTINGS;
    expect(signOutUrl(noEndpoint, { returnTo: '/', idToken: null })).toBeNull();
  });

  it('reads JWT payloads with Vietnamese text and rejects what is not a JWT', () => {
    expect(decodeJwtPayload(jwt({ name: 'Nguyễn Thị Bích Ngọc' }))).toEqual({ name: 'Nguyễn Thị Bích Ngọc' });
    expect(decodeJwtPayload('not-a-jwt')).toBeNull();
  });
});

describe('runtime config (/config.json)', () => {
  it("reads the Cognito and OIDC forms, and the local one (npm start's provider, over http on localhost)", () => {
    expect(
      parseRuntimeConfig({
        apiUrl: '',
        auth: {
          mode: 'oidc',
          issuer: 'http://localhost:3000/oidc',
          clientId: 'danh-gia-web',
          scopes: ['openid', 'profile', 'email'],
          bearer: 'id_token',
        },
      }),
    ).toEqual({
      apiUrl: '',
      auth: {
        mode: 'oidc',
        issuer: 'http://localhost:3000/oidc',
        clientId: 'danh-gia-web',
        scopes: ['openid', 'profile', 'email'],
        bearer: 'id_token',
      },
    });
    expect(
      parseRuntimeConfig({
        apiUrl: 'https://abc.execute-api.ap-southeast-1.amazonaws.com/',
        auth: {
          mode: 'cognito',
          domain: 'https://danh-gia.auth.ap-southeast-1.amazoncognito.com',
          clientId: 'c',
        },
      }),
    ).toEqual({
      apiUrl: 'https://abc.execute-api.ap-southeast-1.amazonaws.com',
      auth: {
        mode: 'cognito',
        domain: 'https://danh-gia.auth.ap-southeast-1.amazoncognito.com',
        clientId: 'c',
        scopes: ['openid', 'email', 'profile'],
      },
    });
    expect(
      parseRuntimeConfig({
        apiUrl: 'https://api.example.gov.vn',
        auth: {
          mode: 'oidc',
          issuer: 'https://sso.example.gov.vn/realms/city',
          clientId: 'c',
          bearer: 'access_token',
        },
      }).auth,
    ).toEqual({
      mode: 'oidc',
      issuer: 'https://sso.example.gov.vn/realms/city',
      clientId: 'c',
      scopes: ['openid', 'email', 'profile'],
      bearer: 'access_token',
    });
  });

  it('names the bad key', () => {
    expect(() => parseRuntimeConfig({ auth: { mode: 'cognito', clientId: 'c' } })).toThrow(
      /config\.auth\.domain/,
    );
    expect(() => parseRuntimeConfig({ apiUrl: 'http://api.example.gov.vn', auth: { mode: 'oidc' } })).toThrow(
      /config\.apiUrl: phải là https/,
    );
    expect(() =>
      parseRuntimeConfig({ auth: { mode: 'oidc', issuer: 'http://sso.example.gov.vn', clientId: 'c' } }),
    ).toThrow(/config\.auth\.issuer: phải là https/);
    // The demo-account shortcut of earlier versions is gone: locally too the app signs in through a provider.
    expect(() => parseRuntimeConfig({ auth: { mode: 'local', demoAccounts: [] } })).toThrow(ConfigError);
    expect(() => parseRuntimeConfig({ auth: { mode: 'saml' } })).toThrow(ConfigError);
    expect(() => parseRuntimeConfig([])).toThrow(ConfigError);
  });

  it("gives Cognito's managed login endpoints, and an OIDC provider's from its discovery document", async () => {
    const cognito = await oidcSettings({
      mode: 'cognito',
      domain: 'https://d.auth.ap-southeast-1.amazoncognito.com',
      clientId: 'c',
      scopes: ['openid'],
    });
    expect(cognito).toMatchObject({
      authorizationEndpoint: 'https://d.auth.ap-southeast-1.amazoncognito.com/oauth2/authorize',
      tokenEndpoint: 'https://d.auth.ap-southeast-1.amazoncognito.com/oauth2/token',
      endSessionEndpoint: 'https://d.auth.ap-southeast-1.amazoncognito.com/logout',
      bearer: 'id_token',
    });
    const asked: string[] = [];
    const fetcher: typeof fetch = async (input) => {
      asked.push(String(input));
      return Response.json({
        authorization_endpoint: 'https://sso.example.gov.vn/auth',
        token_endpoint: 'https://sso.example.gov.vn/token',
        end_session_endpoint: 'https://sso.example.gov.vn/logout',
      });
    };
    const oidc = await oidcSettings(
      {
        mode: 'oidc',
        issuer: 'https://sso.example.gov.vn/realms/city',
        clientId: 'c',
        scopes: ['openid'],
        bearer: 'id_token',
      },
      fetcher,
    );
    expect(asked).toEqual(['https://sso.example.gov.vn/realms/city/.well-known/openid-configuration']);
    expect(oidc).toMatchObject({
      authorizationEndpoint: 'https://sso.example.gov.vn/auth',
      tokenEndpoint: 'https://sso.example.gov.vn/token',
      endSessionEndpoint: 'https://sso.example.gov.vn/logout',
      logoutStyle: 'oidc',
    });
  });
});
