/**
 * OAuth 2.0 authorization code flow with PKCE (RFC 7636) for a public browser client: the Cognito managed login
 * or any OpenID Connect provider. Pure functions over Web Crypto, `fetch` and a storage object, so they run the
 * same in the browser and in the Node unit tests (no DOM here).
 *
 * The flow: `beginSignIn` makes a verifier, its S256 challenge, a `state` and a `nonce`, keeps them in session
 * storage and returns the provider's authorization URL; the provider redirects back to `/auth/callback` with
 * `code` and `state`; `completeSignIn` checks `state`, exchanges the code with the verifier at the token endpoint,
 * checks the ID token's `nonce`, `aud` and `exp`, and returns the tokens. The API verifies the signature (the
 * HTTP API's JWT authorizer), so the browser does not need the provider's keys.
 */

export interface OidcSettings {
  /** `https://<prefix>.auth.<region>.amazoncognito.com/oauth2/authorize` or the provider's. */
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** Cognito `/logout` or the provider's `end_session_endpoint`; none: sign-out is local only. */
  endSessionEndpoint?: string;
  clientId: string;
  scopes: string[];
  /** Which token the API expects as bearer: Cognito's ID token carries `custom:employeeId` and the groups. */
  bearer: 'id_token' | 'access_token';
  /** `cognito` ends the session with `client_id` and `logout_uri`; `oidc` with `id_token_hint`. */
  logoutStyle: 'cognito' | 'oidc';
}

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface Tokens {
  /** What goes into `Authorization: Bearer`. */
  bearer: string;
  idToken: string | null;
  refreshToken: string | null;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

const PENDING_KEY = 'danh-gia.oidc.pending';

/** base64url without padding (RFC 4648 §5), as PKCE and JWTs use it. */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64urlDecode(text: string): string {
  const padded = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** A high-entropy random string of base64url characters (32 bytes → 43 characters, within RFC 7636's 43–128). */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** `BASE64URL(SHA256(ASCII(verifier)))`: the S256 code challenge. */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** A JWT's payload, unverified (the API verifies the signature); null when it is not a JWT. */
export function decodeJwtPayload(jwt: string): Record<string, unknown> | null {
  const part = jwt.split('.')[1];
  if (!part) return null;
  try {
    const payload: unknown = JSON.parse(base64urlDecode(part));
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
  redirectUri: string;
  returnTo: string;
}

/** Makes and keeps the PKCE secrets; returns the URL to send the browser to. */
export async function beginSignIn(
  settings: OidcSettings,
  storage: KeyValueStorage,
  options: { redirectUri: string; returnTo: string },
): Promise<string> {
  const pending: Pending = {
    verifier: randomToken(32),
    state: randomToken(16),
    nonce: randomToken(16),
    redirectUri: options.redirectUri,
    returnTo: options.returnTo,
  };
  storage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(settings.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('scope', settings.scopes.join(' '));
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  url.searchParams.set('code_challenge', await codeChallenge(pending.verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

export class SignInError extends Error {
  override name = 'SignInError';
}

function readPending(storage: KeyValueStorage): Pending | null {
  const raw = storage.getItem(PENDING_KEY);
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<Pending>;
    if (
      typeof value.verifier === 'string' &&
      typeof value.state === 'string' &&
      typeof value.nonce === 'string' &&
      typeof value.redirectUri === 'string' &&
      typeof value.returnTo === 'string'
    ) {
      return value as Pending;
    }
  } catch {
    // fall through
  }
  return null;
}

interface TokenResponse {
  id_token?: unknown;
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  error?: unknown;
  error_description?: unknown;
}

async function tokenRequest(
  settings: OidcSettings,
  form: Record<string, string>,
  fetcher: typeof fetch,
): Promise<TokenResponse> {
  const response = await fetcher(settings.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  let body: TokenResponse = {};
  try {
    body = (await response.json()) as TokenResponse;
  } catch {
    // not JSON: handled below
  }
  if (!response.ok || typeof body.error === 'string') {
    const reason =
      typeof body.error_description === 'string' ? body.error_description : String(body.error ?? '');
    throw new SignInError(`Máy chủ đăng nhập từ chối (${response.status}${reason ? `: ${reason}` : ''}).`);
  }
  return body;
}

function tokensFrom(
  settings: OidcSettings,
  body: TokenResponse,
  now: number,
  previousRefresh: string | null,
): Tokens {
  const idToken = typeof body.id_token === 'string' ? body.id_token : null;
  const accessToken = typeof body.access_token === 'string' ? body.access_token : null;
  const bearer = settings.bearer === 'id_token' ? idToken : accessToken;
  if (!bearer) throw new SignInError(`Máy chủ đăng nhập không trả về ${settings.bearer}.`);
  const payload = decodeJwtPayload(bearer);
  const exp = typeof payload?.exp === 'number' ? payload.exp * 1000 : null;
  const expiresIn = typeof body.expires_in === 'number' ? now + body.expires_in * 1000 : null;
  return {
    bearer,
    idToken,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : previousRefresh,
    expiresAt: exp ?? expiresIn ?? now + 3_600_000,
  };
}

/**
 * Handles the redirect back from the provider: `state` must be the one we sent, the code is exchanged with the
 * verifier, and the ID token must carry our nonce and client id and not be expired. The secrets are removed
 * whatever happens, so a callback URL cannot be replayed.
 */
export async function completeSignIn(
  settings: OidcSettings,
  storage: KeyValueStorage,
  callbackUrl: string,
  options: { fetcher?: typeof fetch; now?: number } = {},
): Promise<{ tokens: Tokens; returnTo: string }> {
  const url = new URL(callbackUrl);
  const pending = readPending(storage);
  storage.removeItem(PENDING_KEY);
  const error = url.searchParams.get('error');
  if (error) {
    const description = url.searchParams.get('error_description');
    throw new SignInError(`Đăng nhập không thành công: ${description ?? error}.`);
  }
  const code = url.searchParams.get('code');
  const state = url.searchParams.get('state');
  if (!pending) throw new SignInError('Phiên đăng nhập đã hết hoặc được mở ở thẻ khác; hãy đăng nhập lại.');
  if (!code || state !== pending.state) {
    throw new SignInError('Phản hồi đăng nhập không khớp với yêu cầu (state); hãy đăng nhập lại.');
  }
  const now = options.now ?? Date.now();
  const body = await tokenRequest(
    settings,
    {
      grant_type: 'authorization_code',
      client_id: settings.clientId,
      code,
      redirect_uri: pending.redirectUri,
      code_verifier: pending.verifier,
    },
    options.fetcher ?? fetch,
  );
  const tokens = tokensFrom(settings, body, now, null);
  const claims = tokens.idToken ? decodeJwtPayload(tokens.idToken) : null;
  if (tokens.idToken) {
    if (!claims || claims.nonce !== pending.nonce) throw new SignInError('Mã xác thực không khớp (nonce).');
    const aud = claims.aud;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(settings.clientId))
      throw new SignInError('Mã xác thực không dành cho ứng dụng này.');
  }
  if (tokens.expiresAt <= now) throw new SignInError('Mã xác thực đã hết hạn.');
  return { tokens, returnTo: pending.returnTo };
}

/** New tokens from a refresh token (Cognito and most providers keep the refresh token unchanged). */
export async function refreshTokens(
  settings: OidcSettings,
  refreshToken: string,
  options: { fetcher?: typeof fetch; now?: number } = {},
): Promise<Tokens> {
  const body = await tokenRequest(
    settings,
    { grant_type: 'refresh_token', client_id: settings.clientId, refresh_token: refreshToken },
    options.fetcher ?? fetch,
  );
  return tokensFrom(settings, body, options.now ?? Date.now(), refreshToken);
}

/** Where to send the browser to end the provider's session too; null when the provider has no such endpoint. */
export function signOutUrl(
  settings: OidcSettings,
  options: { returnTo: string; idToken: string | null },
): string | null {
  if (!settings.endSessionEndpoint) return null;
  const url = new URL(settings.endSessionEndpoint);
  if (settings.logoutStyle === 'cognito') {
    url.searchParams.set('client_id', settings.clientId);
    url.searchParams.set('logout_uri', options.returnTo);
  } else {
    url.searchParams.set('client_id', settings.clientId);
    url.searchParams.set('post_logout_redirect_uri', options.returnTo);
    if (options.idToken) url.searchParams.set('id_token_hint', options.idToken);
  }
  return url.toString();
}
