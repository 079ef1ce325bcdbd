/**
 * Signing in locally against a real OpenID provider (`oidc-provider`, mounted by the local server under /oidc as
 * `npm start` mounts it), and the API verifying its RS256 tokens through the JWKS as the HTTP API's JWT authorizer
 * does, with the claim names a city's SSO uses (`employee_id`, `groups`, through AUTH_EMPLOYEE_ID_CLAIM and
 * AUTH_GROUPS_CLAIM as in AWS).
 *
 * Over HTTP (no browser): discovery, PKCE (S256 only, required), the code flow, the claims, the token checks
 * (another issuer, another audience, expired, tampered, another key, `alg: none` are 401), refresh, keys kept
 * across a restart. In Chromium: the whole journey of a user — the app sends the browser to the provider, an
 * account is chosen, the app is signed in and its API calls succeed; HR sees HR pages and an employee does not;
 * sign-out ends the provider's session; cancelling comes back with a message.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalOidc,
  LOCAL_OIDC_CLIENT_ID,
  LOCAL_OIDC_KEY_FILE,
} from '../../functions/local/local-oidc.ts';
import { freshTable } from '../support/table.ts';
import {
  artifactPath,
  type BuiltApp,
  buildWebApp,
  CHROMIUM,
  chooseAccount,
  hasChromium,
  launchChromium,
  startWebTestServer,
  type WebTestServer,
} from './support.ts';

const decodePart = (part: string | undefined) =>
  JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
const header = (jwt: string) => decodePart(jwt.split('.')[0]);
const payload = (jwt: string) => decodePart(jwt.split('.')[1]);

/** A tiny cookie jar: the provider's cookies (interaction, resume, session) across redirects. */
class Cookies {
  private readonly jar = new Map<string, string>();
  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (!pair || at < 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
  get header() {
    return [...this.jar].map(([n, v]) => `${n}=${v}`).join('; ');
  }
}

interface SignedIn {
  idToken: string;
  refreshToken: string | undefined;
  expiresIn: number;
  cookies: Cookies;
}

/**
 * The authorization code flow with PKCE as the web app runs it, over plain HTTP: authorize, the login form,
 * resume, the code back at the callback, the token request.
 */
async function signInOverHttp(
  server: WebTestServer,
  choice: { account: string } | { employeeId: string; groups?: string[] },
  cookies = new Cookies(),
): Promise<SignedIn> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const redirectUri = `${server.url}/auth/callback`;
  const state = randomBytes(8).toString('hex');
  const authorize = new URL(`${server.identity.issuer}/auth`);
  for (const [k, v] of Object.entries({
    client_id: LOCAL_OIDC_CLIENT_ID,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    state,
    nonce: randomBytes(8).toString('hex'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }))
    authorize.searchParams.set(k, v);
  const go = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: cookies.header },
    });
    cookies.take(response);
    return response;
  };

  let response = await go(authorize.toString());
  expect(response.status).toBe(303);
  const interaction = new URL(response.headers.get('location') ?? '', server.url);
  expect(interaction.pathname).toMatch(/^\/oidc\/interaction\/[\w-]+$/);
  const form = new URLSearchParams(
    'account' in choice ? { account: choice.account } : { employeeId: choice.employeeId },
  );
  if ('groups' in choice) for (const g of choice.groups ?? []) form.append('group', g);
  response = await go(`${interaction}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  expect(response.status, await response.clone().text()).toBe(303);
  // Back to the authorization endpoint, which now answers the app.
  let location = response.headers.get('location') ?? '';
  for (let hops = 0; !location.startsWith(redirectUri) && hops < 5; hops++) {
    response = await go(new URL(location, server.url).toString());
    location = response.headers.get('location') ?? '';
  }
  const callback = new URL(location);
  expect(callback.searchParams.get('state')).toBe(state);
  expect(callback.searchParams.get('iss')).toBe(server.identity.issuer);
  const code = callback.searchParams.get('code');
  expect(code).toBeTruthy();

  const token = await fetch(`${server.identity.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: LOCAL_OIDC_CLIENT_ID,
      code: code ?? '',
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }).toString(),
  });
  const body = (await token.json()) as Record<string, unknown>;
  expect(token.status, JSON.stringify(body)).toBe(200);
  return {
    idToken: String(body.id_token),
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
    expiresIn: Number(body.expires_in),
    cookies,
  };
}

const api = (server: WebTestServer, path: string, token: string) =>
  fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('the local OpenID provider and the API behind it (over HTTP)', () => {
  let server: WebTestServer;
  let dataDir: string;
  let emptyDist: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'danh-gia-oidc-'));
    emptyDist = mkdtempSync(join(tmpdir(), 'danh-gia-oidc-dist-'));
    server = await startWebTestServer(emptyDist, { dataDir });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(emptyDist, { recursive: true, force: true });
  });

  it('publishes discovery and a JWKS of public RSA keys: code flow, S256 only, RS256 ID tokens, end session', async () => {
    const discovery = (await (
      await fetch(`${server.identity.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: server.identity.issuer,
      authorization_endpoint: `${server.url}/oidc/auth`,
      token_endpoint: `${server.url}/oidc/token`,
      jwks_uri: `${server.url}/oidc/jwks`,
      end_session_endpoint: `${server.url}/oidc/session/end`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(discovery.claims_supported).toEqual(expect.arrayContaining(['sub', 'employee_id', 'groups']));
    const jwks = (await (await fetch(`${server.url}/oidc/jwks`)).json()) as { keys: JWK[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(jwks.keys[0]).not.toHaveProperty('p');
  });

  it('requires PKCE with S256: no challenge, or the plain method, is an error sent back to the app', async () => {
    for (const extra of [{}, { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }]) {
      const url = new URL(`${server.identity.issuer}/auth`);
      for (const [k, v] of Object.entries({
        client_id: LOCAL_OIDC_CLIENT_ID,
        response_type: 'code',
        redirect_uri: `${server.url}/auth/callback`,
        scope: 'openid',
        ...extra,
      }))
        url.searchParams.set(k, v);
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(303);
      const back = new URL(response.headers.get('location') ?? '');
      expect(`${back.origin}${back.pathname}`).toBe(`${server.url}/auth/callback`);
      expect(back.searchParams.get('error')).toBe('invalid_request');
    }
    // An unregistered redirect URI never leaves the provider.
    const foreign = new URL(`${server.identity.issuer}/auth`);
    foreign.searchParams.set('client_id', LOCAL_OIDC_CLIENT_ID);
    foreign.searchParams.set('response_type', 'code');
    foreign.searchParams.set('redirect_uri', 'https://attacker.example/cb');
    const refused = await fetch(foreign, { redirect: 'manual' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('redirect_uri');
  });

  it('signs in an employee: an RS256 ID token with the city-SSO claims, which the API accepts', async () => {
    const { idToken, expiresIn, refreshToken } = await signInOverHttp(server, { account: 'stc-ns-03' });
    expect(header(idToken)).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    const claims = payload(idToken);
    expect(claims).toMatchObject({
      iss: server.identity.issuer,
      aud: LOCAL_OIDC_CLIENT_ID,
      sub: 'stc-ns-03',
      employee_id: 'stc-ns-03',
      groups: [],
      name: 'Nguyễn Thị Bích Ngọc',
    });
    expect(claims).not.toHaveProperty('custom:employeeId');
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
    expect(expiresIn).toBe(3600);
    expect(refreshToken).toBeTruthy();

    const me = await api(server, '/v1/me', idToken);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ employeeId: 'stc-ns-03' });
    // An employee is not HR.
    expect((await api(server, `/v1/periods/${server.period}`, idToken)).status).toBe(403);
  });

  it('maps the groups claim: HR and an admin who is no employee', async () => {
    const hr = await signInOverHttp(server, { account: 'hn-hr' });
    expect(payload(hr.idToken)).toMatchObject({ employee_id: 'hn-hr', groups: ['hr'] });
    expect((await api(server, `/v1/periods/${server.period}`, hr.idToken)).status).toBe(200);

    const admin = await signInOverHttp(server, { account: 'admin' });
    const claims = payload(admin.idToken);
    expect(claims).toMatchObject({ sub: 'admin', groups: ['admin'] });
    // As with Cognito for an administrator without `custom:employeeId`: the API uses `sub`.
    expect(claims).not.toHaveProperty('employee_id');
    const me = await api(server, '/v1/me', admin.idToken);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ employeeId: 'admin' });
    expect((await api(server, `/v1/periods/${server.period}`, admin.idToken)).status).toBe(200);

    // Any employee id, with the groups ticked on the page.
    const typed = await signInOverHttp(server, { employeeId: 'stc-gia-tp', groups: ['hr'] });
    expect(payload(typed.idToken)).toMatchObject({ employee_id: 'stc-gia-tp', groups: ['hr'] });
  });

  it('refuses an unknown employee id on its page, in Vietnamese, without signing in', async () => {
    const cookies = new Cookies();
    const start = await fetch(
      `${server.identity.issuer}/auth?${new URLSearchParams({
        client_id: LOCAL_OIDC_CLIENT_ID,
        response_type: 'code',
        redirect_uri: `${server.url}/auth/callback`,
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      })}`,
      { redirect: 'manual' },
    );
    cookies.take(start);
    const interaction = new URL(start.headers.get('location') ?? '', server.url);
    const page = await fetch(interaction, { headers: { cookie: cookies.header } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('Không có mật khẩu');
    expect(html).toContain('data-employee-id="admin"');
    for (const [employeeId, message] of [
      ['khong-co-ai', 'Không có nhân sự mã &quot;khong-co-ai&quot; trong dữ liệu'],
      ['<script>', 'Mã chỉ gồm chữ cái Latin'],
    ]) {
      const refused = await fetch(`${interaction}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.header },
        body: new URLSearchParams({ employeeId: employeeId ?? '' }).toString(),
      });
      expect(refused.status).toBe(400);
      const text = await refused.text();
      expect(text).toContain(message);
      expect(text).not.toContain('<script>');
    }
  });

  it('answers 401 for a token from another issuer, for another audience, expired, tampered, or under another key', async () => {
    const { idToken } = await signInOverHttp(server, { account: 'stc-ns-03' });
    // The provider's own private key, from its key file: only the claim under test is wrong.
    const stored = JSON.parse(readFileSync(join(dataDir, LOCAL_OIDC_KEY_FILE), 'utf8')) as { signing: JWK[] };
    const jwk = stored.signing[0] as JWK;
    const key = await importJWK(jwk, 'RS256');
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: Record<string, unknown>, signingKey: Parameters<SignJWT['sign']>[0] = key) =>
      new SignJWT({ employee_id: 'stc-ns-03', groups: ['admin'], ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: String(jwk.kid) })
        .setSubject('stc-ns-03')
        .sign(signingKey);
    const good = { iss: server.identity.issuer, aud: LOCAL_OIDC_CLIENT_ID, iat: now, exp: now + 600 };

    // The control: with every claim right, the same signing code is accepted (so each refusal below is for its
    // own reason).
    expect((await api(server, '/v1/me', await sign(good))).status).toBe(200);

    const [head, body, signature] = idToken.split('.');
    const tamperedPayload = Buffer.from(JSON.stringify({ ...payload(idToken), groups: ['admin'] })).toString(
      'base64url',
    );
    const flipped = `${signature?.slice(0, -4)}${signature?.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const { privateKey: otherKey } = await generateKeyPair('RS256', { extractable: true });
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${body}.`;
    const refused: Record<string, string> = {
      'another issuer': await sign({ ...good, iss: 'http://localhost:1/oidc' }),
      'Cognito as issuer': await sign({
        ...good,
        iss: 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_abc',
      }),
      'another audience': await sign({ ...good, aud: 'another-client' }),
      expired: await sign({ ...good, iat: now - 7200, exp: now - 3600 }),
      'not yet valid': await sign({ ...good, nbf: now + 3600 }),
      'tampered payload': `${head}.${tamperedPayload}.${signature}`,
      'tampered signature': `${head}.${body}.${flipped}`,
      'another key, same kid': await sign(good, otherKey),
      'alg none': unsigned,
    };
    expect(await exportJWK(otherKey)).not.toEqual(jwk);
    for (const [why, token] of Object.entries(refused)) {
      const response = await api(server, '/v1/me', token);
      expect(response.status, why).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code, why).toBe(
        'UNAUTHENTICATED',
      );
    }
    // The real token still works, and the scripts' shortcut (/local/token, HS256) is still accepted.
    expect((await api(server, '/v1/me', idToken)).status).toBe(200);
    expect((await api(server, '/v1/me', await server.tokenFor('stc-ns-03'))).status).toBe(200);
  });

  it('renews with the refresh token (rotated): a new ID token the API accepts', async () => {
    const { refreshToken } = await signInOverHttp(server, { account: 'stc-ns-pp' });
    const response = await fetch(`${server.identity.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: LOCAL_OIDC_CLIENT_ID,
        refresh_token: refreshToken ?? '',
      }).toString(),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.refresh_token).not.toBe(refreshToken);
    expect(payload(String(body.id_token))).toMatchObject({ employee_id: 'stc-ns-pp' });
    expect((await api(server, '/v1/me', String(body.id_token))).status).toBe(200);
  });

  it('keeps its keys in the data folder: a restarted provider accepts earlier tokens, a new folder does not', async () => {
    const { idToken } = await signInOverHttp(server, { account: 'stc-ns-03' });
    const { db, store } = await freshTable('oidc-restart');
    const restarted = await createLocalOidc({ origin: server.url, store, tableName: db.tableName, dataDir });
    expect(await restarted.verify(idToken)).toMatchObject({ employee_id: 'stc-ns-03' });
    const fresh = await createLocalOidc({
      origin: server.url,
      store,
      tableName: db.tableName,
      dataDir: null,
    });
    expect(await fresh.verify(idToken)).toBeNull();
  });

  it("lets the app's origins call it from the browser (CORS): the Vite dev server on :5173, not another site", async () => {
    const discovery = `${server.identity.issuer}/.well-known/openid-configuration`;
    const dev = await fetch(discovery, { headers: { origin: 'http://localhost:5173' } });
    expect(dev.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const preflight = (origin: string) =>
      fetch(`${server.identity.issuer}/token`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    expect((await preflight('http://localhost:5173')).headers.get('access-control-allow-origin')).toBe(
      'http://localhost:5173',
    );
    // The token request itself is checked against the client's origins.
    const tokenRequest = (origin: string) =>
      fetch(`${server.identity.issuer}/token`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: LOCAL_OIDC_CLIENT_ID,
          refresh_token: 'x',
        }).toString(),
      });
    const allowed = await tokenRequest('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const foreign = await tokenRequest('https://attacker.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers only as localhost (a DNS-rebinding page gets nothing)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const { port } = new URL(server.url);
      request(
        {
          host: '127.0.0.1',
          port,
          path: '/oidc/.well-known/openid-configuration',
          headers: { host: 'evil.example' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
        .on('error', reject)
        .end();
    });
    expect(status).toBe(421);
  });
});

if (!hasChromium) {
  console.warn(
    `test/web/oidc.test.ts: browser journey SKIPPED — ${CHROMIUM} is missing (install it with: apt-get install -y chromium).`,
  );
}

describe.skipIf(!hasChromium)('signing in through the local OpenID provider in Chromium', () => {
  let app: BuiltApp;
  let server: WebTestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  let monthLabel: string;

  beforeAll(async () => {
    app = await buildWebApp();
    server = await startWebTestServer(app.dir);
    monthLabel = `Tháng ${Number(server.period.slice(5))}/${server.period.slice(0, 4)}`;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    app?.cleanup();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    return page;
  }

  const session = (page: Page) =>
    page.evaluate<{ bearer: string; idToken: string; refreshToken: string | null }>(
      "JSON.parse(sessionStorage.getItem('danh-gia.session'))",
    );

  it('goes to the provider, comes back signed in, and calls the API with the RS256 ID token', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/danh-gia`);
    // The app sends the browser to the provider by itself.
    await page.waitForURL(/\/oidc\/interaction\//);
    await page.getByRole('heading', { name: 'Đăng nhập', level: 1 }).waitFor();
    expect(await page.getByRole('note').textContent()).toContain('Không có mật khẩu');
    await page.screenshot({ path: artifactPath('oidc-01-provider-login.png'), fullPage: true });

    await chooseAccount(page, 'stc-ns-03');
    // Back where the user was going, signed in.
    expect(new URL(page.url()).pathname).toBe('/danh-gia');
    await page.getByRole('heading', { name: `Tự đánh giá ${monthLabel}`, level: 1 }).waitFor();
    expect(await page.locator('.who-name').textContent()).toBe('Nguyễn Thị Bích Ngọc');
    await page.screenshot({ path: artifactPath('oidc-02-signed-in.png'), fullPage: true });

    const { bearer, idToken, refreshToken } = await session(page);
    expect(bearer).toBe(idToken);
    expect(refreshToken).toBeTruthy();
    expect(header(bearer).alg).toBe('RS256');
    expect(payload(bearer)).toMatchObject({
      iss: server.identity.issuer,
      aud: LOCAL_OIDC_CLIENT_ID,
      employee_id: 'stc-ns-03',
    });
    // An API call from the page with that token.
    const status = await page.evaluate<number, string>(
      (token) => fetch('/v1/me', { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status),
      bearer,
    );
    expect(status).toBe(200);

    // An employee has no HR pages.
    await page.goto(`${server.url}/ky-danh-gia`);
    await page.getByRole('heading', { name: 'Không có quyền', level: 1 }).waitFor();
  });

  it('maps the groups claim: an HR account sees the HR pages', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/ky-danh-gia`);
    await chooseAccount(page, 'hn-hr');
    await page.getByRole('heading', { name: 'Kỳ đánh giá', level: 1 }).waitFor();
    await page.getByRole('heading', { name: `${monthLabel}: đang mở` }).waitFor();
    expect(payload((await session(page)).bearer)).toMatchObject({ groups: ['hr'] });
    expect(await page.getByRole('navigation', { name: 'Chức năng' }).textContent()).toContain('Xếp hạng');
  });

  it('signs in with a typed employee id and ticked groups', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/`);
    await chooseAccount(page, 'stc-gia-tp', { groups: ['hr'] });
    await page.getByRole('heading', { name: 'Xin chào, Võ Thành Trung', level: 1 }).waitFor();
    expect(payload((await session(page)).bearer)).toMatchObject({
      employee_id: 'stc-gia-tp',
      groups: ['hr'],
    });
  });

  it('signs out at the provider too: coming back, the provider asks again who signs in', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/`);
    await chooseAccount(page, 'stc-ns-pp');
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    // Through the provider's end-session endpoint and back to the app, which waits.
    await page.getByText('Bạn đã đăng xuất.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.evaluate<string | null>("sessionStorage.getItem('danh-gia.session')")).toBeNull();
    await page.screenshot({ path: artifactPath('oidc-03-signed-out.png'), fullPage: true });
    // The provider's session is gone: its login page again, not a silent sign-in.
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/oidc\/interaction\//);
    await chooseAccount(page, 'stc-ns-tp');
    expect(await page.locator('.who-name').textContent()).toBe('Phạm Thị Thanh Hương');
  });

  it('signs in too when the app is opened as 127.0.0.1 (the provider stays on localhost, its issuer)', async () => {
    const page = await newPage();
    const loopback = server.url.replace('localhost', '127.0.0.1');
    await page.goto(`${loopback}/`);
    await chooseAccount(page, 'stc-ns-03');
    expect(new URL(page.url()).origin).toBe(loopback);
    await page.getByRole('heading', { name: 'Xin chào, Nguyễn Thị Bích Ngọc', level: 1 }).waitFor();
  });

  it('comes back with a message when the user cancels on the provider page', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/phe-duyet`);
    await page.waitForURL(/\/oidc\/interaction\//);
    await page.getByRole('link', { name: 'Hủy đăng nhập' }).click();
    await page.getByText('Đăng nhập không thành công: Người dùng đã hủy đăng nhập.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/auth/callback');
  });

  it('raised no script error on any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
