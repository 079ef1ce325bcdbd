/**
 * The local OpenID Connect provider: `oidc-provider` (a certified OpenID Connect implementation) mounted on the
 * local server under `/oidc`, so that locally the web app signs in as it does in AWS against the city's own
 * provider: authorization code with PKCE (S256 only) from the discovery document, RS256 ID tokens, and the API
 * verifying them through the provider's JWKS with the issuer, audience and expiry checks of the HTTP API's JWT
 * authorizer (`verify`).
 *
 * - Issuer `http://localhost:<PORT>/oidc`; one public client, `danh-gia-web`, with the app's `/auth/callback` on
 *   this port (and on the Vite dev server's :5173) as redirect URIs; ID and access tokens last 1 h, refresh tokens
 *   (rotated) and the provider's session 12 h, like the Cognito set-up.
 * - Accounts: the employees in the table (`getEmployee`) and the demo accounts (`admin` is no employee). The login
 *   page has no password: this runs on a developer's machine only. Consent is implicit (a first-party app).
 * - Claims under the names the API is configured with (`claimNames()`, i.e. AUTH_EMPLOYEE_ID_CLAIM and
 *   AUTH_GROUPS_CLAIM): `npm start` names them `employee_id` and `groups` like a city SSO (`useLocalClaimNames`).
 * - Keys: one RSA signing key and the cookie keys, made on first start and kept in LOCAL_DATA_DIR
 *   (`local-oidc-keys.json`), so tokens and sessions' cookies survive a restart; in memory with
 *   LOCAL_DATA_DIR=memory. Sessions, codes, grants and refresh tokens live in the provider's own in-memory adapter:
 *   a restart signs everyone out of the provider (their ID tokens stay valid until they expire).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import type Provider from 'oidc-provider';
import type { Account, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';
import type { Group } from '../../shared/app/caller.ts';
import { idSchema } from '../../shared/app/inputs.ts';
import { config } from '../../shared/config.ts';
import type { Employee } from '../../shared/store/entities.ts';
import type { Store } from '../../shared/store/store.ts';
import { DEMO_ACCOUNTS } from './demo-data.ts';
import { type Claims, claimsOf, isGroup } from './local-auth.ts';
import { errorPage, loggedOutPage, loginPage, logoutPage, type Page } from './local-oidc-pages.ts';

export const LOCAL_OIDC_PATH = '/oidc';
export const LOCAL_OIDC_CLIENT_ID = 'danh-gia-web';
/** What a city's SSO typically calls them (Keycloak's and Entra ID's mappers). */
export const LOCAL_CLAIMS = { employeeId: 'employee_id', groups: 'groups' } as const;
export const LOCAL_OIDC_KEY_FILE = 'local-oidc-keys.json';
/** The Vite dev server (`npm run dev:web`), which signs in against `npm start`'s provider. */
const DEV_SERVER_PORT = 5173;
const TOKEN_SECONDS = 60 * 60;
const SESSION_SECONDS = 12 * 60 * 60;
const MAX_FORM_BYTES = 16 * 1024;

/**
 * The API reads the claim names from AUTH_EMPLOYEE_ID_CLAIM and AUTH_GROUPS_CLAIM, as the CDK stack sets them for
 * a city's provider; locally they default to the local provider's names. A variable already set wins.
 */
export function useLocalClaimNames(env: NodeJS.ProcessEnv = process.env): void {
  env.AUTH_EMPLOYEE_ID_CLAIM ||= LOCAL_CLAIMS.employeeId;
  env.AUTH_GROUPS_CLAIM ||= LOCAL_CLAIMS.groups;
}

export interface LocalOidcOptions {
  /** Where the browser reaches the local server: `http://localhost:<PORT>`. */
  origin: string;
  store: Store;
  /** The table's name, shown on the login page so a developer knows which data they sign in to. */
  tableName: string;
  /** LOCAL_DATA_DIR, or null to keep the keys in memory. */
  dataDir: string | null;
}

/** The `auth` block of the web app's `/config.json`. */
export interface LocalWebAuth {
  mode: 'oidc';
  issuer: string;
  clientId: string;
  scopes: string[];
  bearer: 'id_token';
}

export interface LocalOidc {
  readonly issuer: string;
  readonly clientId: string;
  readonly webAuth: LocalWebAuth;
  /** Answers a request under `/oidc` and returns true; false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** As the HTTP API's JWT authorizer: RS256 through the JWKS, this issuer, audience the client, not expired. */
  verify(token: string): Promise<Claims | null>;
}

interface StoredKeys {
  signing: JWK[];
  cookies: string[];
}

/** The provider's keys: from the data folder, or new ones (kept there when there is one). */
export async function loadLocalOidcKeys(dataDir: string | null): Promise<StoredKeys> {
  const file = dataDir === null ? null : join(dataDir, LOCAL_OIDC_KEY_FILE);
  if (file && existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<StoredKeys>;
    const usable =
      Array.isArray(stored.signing) &&
      stored.signing.every((k) => k.kty === 'RSA' && typeof k.d === 'string' && typeof k.kid === 'string') &&
      Array.isArray(stored.cookies) &&
      stored.cookies.every((k) => typeof k === 'string' && k.length >= 32);
    if (!usable || !stored.signing?.length || !stored.cookies?.length) {
      throw new Error(`${file}: không đọc được khóa của máy chủ đăng nhập; xóa tệp này để tạo khóa mới.`);
    }
    return { signing: stored.signing, cookies: stored.cookies };
  }
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const signing = [{ ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' }];
  const keys = { signing, cookies: [randomBytes(32).toString('base64url')] };
  if (dataDir && file) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  }
  return keys;
}

/**
 * oidc-provider 9 warns on import about any Node.js older than 22 (its own support policy). It runs on the
 * project's Node.js 20.19+ (what it needs from Node, `URL.parse` and `crypto.hash`, is there since 20.18 and
 * 20.12) and the tests run it there; that one line would only confuse whoever runs `npm start`.
 */
async function importProvider(): Promise<typeof Provider> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('Unsupported runtime')) warn(...args);
  };
  try {
    return (await import('oidc-provider')).default;
  } finally {
    console.warn = warn;
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function sendPage(res: ServerResponse, page: Page): void {
  res.writeHead(page.status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': page.csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
  });
  res.end(page.html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function createLocalOidc(options: LocalOidcOptions): Promise<LocalOidc> {
  const origin = options.origin.replace(/\/+$/, '');
  const issuer = `${origin}${LOCAL_OIDC_PATH}`;
  const { port } = new URL(origin);
  // The app may be opened as localhost or 127.0.0.1, or served by the Vite dev server.
  const appOrigins = [
    ...new Set([
      origin,
      `http://localhost:${port}`,
      `http://127.0.0.1:${port}`,
      `http://localhost:${DEV_SERVER_PORT}`,
      `http://127.0.0.1:${DEV_SERVER_PORT}`,
    ]),
  ];
  const formAction = ["'self'", ...appOrigins];
  const { employeeIdClaim, groupsClaim } = config().auth;
  const names = { employeeId: employeeIdClaim, groups: groupsClaim };
  const keys = await loadLocalOidcKeys(options.dataDir);
  const publicKeys = keys.signing.map(({ kty, n, e, kid, alg, use }) => ({ kty, n, e, kid, alg, use }));
  const jwks: JWTVerifyGetKey = createLocalJWKSet({ keys: publicKeys });
  /** Groups chosen on the login page for an id typed there (on AWS an administrator assigns them). */
  const chosenGroups = new Map<string, Group[]>();

  const lookUp = async (id: string): Promise<{ employee: Employee | null; groups: Group[] } | null> => {
    const demo = DEMO_ACCOUNTS.find((a) => a.employeeId === id);
    const employee = await options.store.org.getEmployee(id);
    if (!demo && !employee) return null;
    return { employee, groups: chosenGroups.get(id) ?? (demo?.groups ?? []).filter(isGroup) };
  };

  const findAccount = async (_ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> => {
    const found = await lookUp(sub);
    if (!found) return undefined;
    const { employee, groups } = found;
    return {
      accountId: sub,
      // Like Cognito without `custom:employeeId`, an account that is no employee (admin) has only `sub`.
      claims: () => ({
        sub,
        ...(employee ? { [names.employeeId]: employee.id, name: employee.name } : {}),
        ...(employee?.email ? { email: employee.email } : {}),
        [names.groups]: groups,
      }),
    };
  };

  const configuration: Configuration = {
    clients: [
      {
        client_id: LOCAL_OIDC_CLIENT_ID,
        client_name: 'Đánh giá, xếp loại hằng tháng',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: appOrigins.map((o) => `${o}/auth/callback`),
        post_logout_redirect_uris: appOrigins.map((o) => `${o}/`),
        id_token_signed_response_alg: 'RS256',
      },
    ],
    adapter: createMemoryAdapter(),
    jwks: { keys: keys.signing },
    cookies: {
      keys: keys.cookies,
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    findAccount,
    claims: {
      openid: ['sub', names.employeeId, names.groups],
      profile: ['name'],
      email: ['email'],
    },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    // The app sends the ID token as bearer (as with Cognito), so the claims go into it, not only to userinfo.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: TOKEN_SECONDS,
      AuthorizationCode: 60,
      IdToken: TOKEN_SECONDS,
      // 12 h from sign-in: a rotated refresh token keeps what was left of its predecessor's lifetime.
      RefreshToken: (ctx) => ctx?.oidc?.entities.RotatedRefreshToken?.remainingTTL ?? SESSION_SECONDS,
      Interaction: 60 * 60,
      Session: SESSION_SECONDS,
      Grant: SESSION_SECONDS,
    },
    // The app is on this origin; the Vite dev server calls the token endpoint from :5173.
    clientBasedCORS: (_ctx, requestOrigin) => appOrigins.includes(requestOrigin),
    interactions: { url: (_ctx, interaction) => `${LOCAL_OIDC_PATH}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          const page = logoutPage(form, ctx.oidc.entities.IdTokenHint !== undefined, formAction);
          ctx.status = page.status;
          ctx.set('content-security-policy', page.csp);
          ctx.type = 'html';
          ctx.body = page.html;
        },
        postLogoutSuccessSource: (ctx) => {
          const page = loggedOutPage(`${origin}/`);
          ctx.set('content-security-policy', page.csp);
          ctx.type = 'html';
          ctx.body = page.html;
        },
      },
    },
    renderError: (ctx, out) => {
      const description = out.error_description ? `: ${out.error_description}` : '';
      const page = errorPage(`Lỗi ${out.error}${description}.`, `${origin}/`, ctx.status || 400);
      ctx.set('content-security-policy', page.csp);
      ctx.type = 'html';
      ctx.body = page.html;
    },
  };

  const OidcProvider = await importProvider();
  const provider = new OidcProvider(issuer, configuration);
  provider.on('server_error', (_ctx, error) => console.error('local OpenID provider:', error));
  const callback = provider.callback();

  const showLogin = async (
    res: ServerResponse,
    uid: string,
    extra: { error?: string; typed?: { employeeId: string; groups: string[] } } = {},
  ) =>
    sendPage(
      res,
      loginPage({
        action: `${LOCAL_OIDC_PATH}/interaction/${uid}/login`,
        abortUrl: `${LOCAL_OIDC_PATH}/interaction/${uid}/abort`,
        clientName: 'Đánh giá, xếp loại hằng tháng',
        demoAccounts: DEMO_ACCOUNTS,
        tableName: options.tableName,
        formAction,
        ...extra,
      }),
    );

  /** The interaction routes: the login page, its form, and "cancel". Consent is given at once. */
  const interaction = async (req: IncomingMessage, res: ServerResponse, uid: string, step: string) => {
    const method = (req.method ?? 'GET').toUpperCase();
    let details: Awaited<ReturnType<Provider['interactionDetails']>>;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return sendPage(
        res,
        errorPage(
          'Phiên đăng nhập đã hết hạn hoặc không hợp lệ; hãy mở lại ứng dụng để đăng nhập.',
          `${origin}/`,
        ),
      );
    }
    if (details.uid !== uid) return sendPage(res, errorPage('Phiên đăng nhập không khớp.', `${origin}/`));
    const clientId = String(details.params.client_id ?? '');

    if (step === '' && method === 'GET' && details.prompt.name === 'login') return showLogin(res, uid);
    if (step === '' && method === 'GET' && details.prompt.name === 'consent') {
      const accountId = details.session?.accountId;
      if (!accountId) return sendPage(res, errorPage('Chưa đăng nhập.', `${origin}/`));
      const grant = details.grantId
        ? ((await provider.Grant.find(details.grantId)) ?? new provider.Grant({ accountId, clientId }))
        : new provider.Grant({ accountId, clientId });
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      const grantId = await grant.save();
      return provider.interactionFinished(
        req,
        res,
        { consent: details.grantId ? {} : { grantId } },
        { mergeWithLastSubmission: true },
      );
    }
    if (step === '/abort' && method === 'GET') {
      return provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'Người dùng đã hủy đăng nhập' },
        { mergeWithLastSubmission: false },
      );
    }
    if (step === '/login' && method === 'POST' && details.prompt.name === 'login') {
      const form = await readForm(req);
      if (!form) return showLogin(res, uid, { error: 'Biểu mẫu không hợp lệ.' });
      const demoId = form.get('account');
      const demo = demoId === null ? undefined : DEMO_ACCOUNTS.find((a) => a.employeeId === demoId);
      const employeeId = demo ? demo.employeeId : (form.get('employeeId') ?? '').trim();
      const groups = demo ? demo.groups.filter(isGroup) : form.getAll('group').filter(isGroup);
      const typed = { employeeId, groups };
      const valid = idSchema.safeParse(employeeId);
      if (!valid.success) {
        return showLogin(res, uid, {
          typed,
          error: valid.error.issues[0]?.message ?? 'Mã nhân sự không hợp lệ.',
        });
      }
      if (!(await lookUp(employeeId))) {
        return showLogin(res, uid, {
          typed,
          error: `Không có nhân sự mã "${employeeId}" trong dữ liệu, và đó cũng không phải tài khoản mẫu.`,
        });
      }
      chosenGroups.set(employeeId, groups);
      const grant = new provider.Grant({ accountId: employeeId, clientId });
      grant.addOIDCScope(String(details.params.scope ?? 'openid'));
      const grantId = await grant.save();
      return provider.interactionFinished(
        req,
        res,
        { login: { accountId: employeeId }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
    }
    res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, POST' });
    res.end('Phương thức không được hỗ trợ.');
  };

  const handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== LOCAL_OIDC_PATH && !url.pathname.startsWith(`${LOCAL_OIDC_PATH}/`)) return false;
    // Another host name is a DNS-rebinding page talking to this machine's provider: refused.
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (!LOOPBACK_HOSTS.has(host)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Máy chủ đăng nhập trên máy chỉ trả lời localhost.');
      return true;
    }
    const route = new RegExp(`^${LOCAL_OIDC_PATH}/interaction/([A-Za-z0-9_-]+)(/login|/abort)?$`).exec(
      url.pathname,
    );
    if (route?.[1]) {
      interaction(req, res, route[1], route[2] ?? '').catch((error: unknown) => {
        console.error('local OpenID provider:', error);
        if (!res.headersSent) sendPage(res, errorPage('Lỗi máy chủ đăng nhập.', `${origin}/`, 500));
        else res.end();
      });
      return true;
    }
    // Mounted as Express mounts it: the provider sees its own paths and finds the prefix in `originalUrl`.
    const mounted = req as IncomingMessage & { originalUrl?: string };
    mounted.originalUrl = req.url;
    req.url = (req.url ?? '/').slice(LOCAL_OIDC_PATH.length) || '/';
    if (!req.url.startsWith('/')) req.url = `/${req.url}`;
    void callback(req, res);
    return true;
  };

  const verify = async (token: string): Promise<Claims | null> => {
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer,
        audience: LOCAL_OIDC_CLIENT_ID,
        algorithms: ['RS256'],
      });
      return claimsOf(payload);
    } catch {
      return null;
    }
  };

  return {
    issuer,
    clientId: LOCAL_OIDC_CLIENT_ID,
    webAuth: {
      mode: 'oidc',
      issuer,
      clientId: LOCAL_OIDC_CLIENT_ID,
      scopes: ['openid', 'profile', 'email'],
      bearer: 'id_token',
    },
    handle,
    verify,
  };
}

/** Puts the provider in front of the server's other request handlers (the web app's and the API's). */
export function serveLocalOidc(server: Server, oidc: LocalOidc): void {
  const others = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (oidc.handle(req, res)) return;
    for (const listener of others) listener.call(server, req, res);
  });
}
