/**
 * The signed-in session, kept in `sessionStorage` (this tab only, gone when it closes): the tokens of the PKCE
 * flow, refreshed before expiry. Locally and in AWS alike: `npm start` runs its own OpenID provider.
 */

import type { AuthConfig, RuntimeConfig } from '../config.ts';
import { oidcSettings } from '../config.ts';
import {
  beginSignIn,
  completeSignIn,
  type OidcSettings,
  refreshTokens,
  signOutUrl,
  type Tokens,
} from './pkce.ts';

const SESSION_KEY = 'danh-gia.session';
/** Set while the browser goes to the provider to sign out, so that the app does not sign in again on return. */
const SIGNED_OUT_KEY = 'danh-gia.signed-out';
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
    if (typeof s.bearer !== 'string' || typeof s.expiresAt !== 'number') return null;
    if (s.mode !== 'cognito' && s.mode !== 'oidc') return null;
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

/** True once after the user signed out (and came back from the provider): the sign-in page then waits. */
export function takeSignedOut(): boolean {
  const signedOut = sessionStorage.getItem(SIGNED_OUT_KEY) !== null;
  sessionStorage.removeItem(SIGNED_OUT_KEY);
  return signedOut;
}

let settingsPromise: Promise<OidcSettings> | null = null;
function settingsFor(config: RuntimeConfig): Promise<OidcSettings> {
  settingsPromise ??= oidcSettings(config.auth).catch((error: unknown) => {
    // Not kept: the next attempt asks the provider again.
    settingsPromise = null;
    throw error;
  });
  return settingsPromise;
}

const redirectUri = () => `${location.origin}${CALLBACK_PATH}`;

/** Sends the browser to the Cognito managed login or the OIDC provider (locally: `npm start`'s). */
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
  if (!session.refreshToken) {
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

/**
 * Forgets the session and ends the provider's session too, where it has an end-session endpoint (returns true
 * when the browser is leaving for it).
 */
export async function signOut(config: RuntimeConfig): Promise<boolean> {
  const session = loadSession();
  clearSession();
  sessionStorage.setItem(SIGNED_OUT_KEY, '1');
  if (!session) return false;
  let url: string | null = null;
  try {
    url = signOutUrl(await settingsFor(config), {
      returnTo: `${location.origin}/`,
      idToken: session.idToken,
    });
  } catch {
    // The provider cannot be reached: the session here is gone all the same.
  }
  if (!url) return false;
  location.assign(url);
  return true;
}
