/**
 * The signed-in session, kept in `sessionStorage` (this tab only, gone when it closes): locally a token from
 * `POST /local/token` for a chosen demo account; in AWS the tokens of the PKCE flow, refreshed before expiry.
 */

import { ApiError, errorFrom } from '../api/client.ts';
import type { AuthConfig, RuntimeConfig } from '../config.ts';
import { oidcSettings } from '../config.ts';
import {
  beginSignIn,
  completeSignIn,
  decodeJwtPayload,
  type OidcSettings,
  refreshTokens,
  signOutUrl,
  type Tokens,
} from './pkce.ts';

const SESSION_KEY = 'danh-gia.session';
/** Renew this long before expiry, so a request never leaves with a token about to lapse. */
const RENEW_MARGIN_MS = 60_000;

export interface Session extends Tokens {
  mode: AuthConfig['mode'];
}

export const CALLBACK_PATH = '/auth/callback';

export function loadSession(): Session | null {
  const raw = sessionStorage.getItem(SESSION_KEY);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.bearer !== 'string' || typeof s.expiresAt !== 'number' || typeof s.mode !== 'string')
      return null;
    const session: Session = {
      mode: s.mode,
      bearer: s.bearer,
      expiresAt: s.expiresAt,
      idToken: typeof s.idToken === 'string' ? s.idToken : null,
      refreshToken: typeof s.refreshToken === 'string' ? s.refreshToken : null,
    };
    if (session.expiresAt <= Date.now() && !session.refreshToken) {
      clearSession();
      return null;
    }
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/** Local only: a token for any employee id (demo accounts), as `npm start` offers. */
export async function signInLocal(
  config: RuntimeConfig,
  employeeId: string,
  groups: string[],
): Promise<Session> {
  let response: Response;
  try {
    response = await fetch(`${config.apiUrl}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ employeeId, groups }),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Không kết nối được máy chủ.');
  }
  if (!response.ok) throw await errorFrom(response);
  const { token } = (await response.json()) as { token: string };
  const exp = decodeJwtPayload(token)?.exp;
  const session: Session = {
    mode: 'local',
    bearer: token,
    idToken: null,
    refreshToken: null,
    expiresAt: typeof exp === 'number' ? exp * 1000 : Date.now() + 3_600_000,
  };
  saveSession(session);
  return session;
}

let settingsPromise: Promise<OidcSettings> | null = null;
function settingsFor(config: RuntimeConfig): Promise<OidcSettings> {
  if (config.auth.mode === 'local') return Promise.reject(new Error('local mode has no OIDC settings'));
  settingsPromise ??= oidcSettings(config.auth).catch((error: unknown) => {
    // Not kept: the next attempt asks the provider again.
    settingsPromise = null;
    throw error;
  });
  return settingsPromise;
}

const redirectUri = () => `${location.origin}${CALLBACK_PATH}`;

/** Sends the browser to the Cognito managed login (or the OIDC provider). */
export async function startSignIn(config: RuntimeConfig, returnTo: string): Promise<void> {
  const settings = await settingsFor(config);
  location.assign(await beginSignIn(settings, sessionStorage, { redirectUri: redirectUri(), returnTo }));
}

/** On `/auth/callback`: exchanges the code and keeps the session; returns where the user was going. */
export async function finishSignIn(config: RuntimeConfig): Promise<string> {
  const settings = await settingsFor(config);
  const { tokens, returnTo } = await completeSignIn(settings, sessionStorage, location.href);
  saveSession({ ...tokens, mode: config.auth.mode });
  return returnTo;
}

/** The bearer token to send now, renewed with the refresh token when close to expiry; null when signed out. */
export async function currentToken(config: RuntimeConfig): Promise<string | null> {
  const session = loadSession();
  if (!session) return null;
  if (session.expiresAt - RENEW_MARGIN_MS > Date.now()) return session.bearer;
  if (session.mode === 'local' || !session.refreshToken) {
    return session.expiresAt > Date.now() ? session.bearer : null;
  }
  try {
    const tokens = await refreshTokens(await settingsFor(config), session.refreshToken);
    const renewed = { ...tokens, idToken: tokens.idToken ?? session.idToken, mode: session.mode };
    saveSession(renewed);
    return renewed.bearer;
  } catch {
    clearSession();
    return null;
  }
}

/** Forgets the session; in AWS also ends the provider's session (returns true when the browser is leaving). */
export async function signOut(config: RuntimeConfig): Promise<boolean> {
  const session = loadSession();
  clearSession();
  if (config.auth.mode === 'local' || !session) return false;
  const url = signOutUrl(await settingsFor(config), {
    returnTo: `${location.origin}/`,
    idToken: session.idToken,
  });
  if (!url) return false;
  location.assign(url);
  return true;
}
