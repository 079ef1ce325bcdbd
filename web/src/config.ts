/**
 * The runtime configuration, `/config.json` beside `index.html`: where the API is and how to sign in. The same
 * build runs everywhere and signs in the same way everywhere (authorization code with PKCE): the local server
 * writes this file on the fly for its own OpenID provider (`http://localhost:<PORT>/oidc`), the CDK web stack
 * deploys it with the API URL and the user pool's (or the city's OIDC provider's) settings. No DOM here.
 *
 * ```json
 * { "apiUrl": "https://abc.execute-api.ap-southeast-1.amazonaws.com",
 *   "auth": { "mode": "cognito", "domain": "https://danh-gia-prod.auth.ap-southeast-1.amazoncognito.com",
 *             "clientId": "…", "scopes": ["openid", "email", "profile"] } }
 * ```
 */
import type { OidcSettings } from './auth/pkce.ts';

export type AuthConfig =
  | { mode: 'cognito'; domain: string; clientId: string; scopes: string[] }
  | {
      mode: 'oidc';
      issuer: string;
      clientId: string;
      scopes: string[];
      bearer: 'id_token' | 'access_token';
      authorizationEndpoint?: string;
      tokenEndpoint?: string;
      endSessionEndpoint?: string;
    };

export interface RuntimeConfig {
  /** Base URL of the API without a trailing slash; '' means the same origin as the app. */
  apiUrl: string;
  auth: AuthConfig;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0)
    throw new ConfigError(`${where}.${key}: thiếu hoặc không phải chuỗi.`);
  return v;
}

function optionalStr(o: Json, key: string, where: string): string | undefined {
  return o[key] === undefined ? undefined : str(o, key, where);
}

function httpsUrl(value: string, where: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${where}: không phải URL.`);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
    throw new ConfigError(`${where}: phải là https.`);
  }
  return value.replace(/\/+$/, '');
}

function scopes(o: Json, where: string): string[] {
  const v = o.scopes;
  if (v === undefined) return ['openid', 'email', 'profile'];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
    throw new ConfigError(`${where}.scopes: phải là danh sách chuỗi.`);
  }
  return v as string[];
}

/** Checks the file's shape; throws a ConfigError naming the bad key. */
export function parseRuntimeConfig(raw: unknown): RuntimeConfig {
  if (!isObject(raw)) throw new ConfigError('config.json: phải là một đối tượng JSON.');
  const apiUrlRaw = raw.apiUrl ?? '';
  if (typeof apiUrlRaw !== 'string') throw new ConfigError('config.apiUrl: phải là chuỗi.');
  const apiUrl = apiUrlRaw === '' ? '' : httpsUrl(apiUrlRaw, 'config.apiUrl');
  const auth = raw.auth;
  if (!isObject(auth)) throw new ConfigError('config.auth: thiếu.');
  switch (auth.mode) {
    case 'cognito':
      return {
        apiUrl,
        auth: {
          mode: 'cognito',
          domain: httpsUrl(str(auth, 'domain', 'config.auth'), 'config.auth.domain'),
          clientId: str(auth, 'clientId', 'config.auth'),
          scopes: scopes(auth, 'config.auth'),
        },
      };
    case 'oidc': {
      const endpoint = (key: string) => {
        const v = optionalStr(auth, key, 'config.auth');
        return v === undefined ? {} : { [key]: httpsUrl(v, `config.auth.${key}`) };
      };
      const bearer = auth.bearer ?? 'id_token';
      if (bearer !== 'id_token' && bearer !== 'access_token') {
        throw new ConfigError('config.auth.bearer: "id_token" hoặc "access_token".');
      }
      return {
        apiUrl,
        auth: {
          mode: 'oidc',
          issuer: httpsUrl(str(auth, 'issuer', 'config.auth'), 'config.auth.issuer'),
          clientId: str(auth, 'clientId', 'config.auth'),
          scopes: scopes(auth, 'config.auth'),
          bearer,
          ...endpoint('authorizationEndpoint'),
          ...endpoint('tokenEndpoint'),
          ...endpoint('endSessionEndpoint'),
        },
      };
    }
    default:
      throw new ConfigError('config.auth.mode: "cognito" hoặc "oidc".');
  }
}

/** Is the app talking to a provider on this machine (`npm start`'s), i.e. to demo data? */
export function runsLocally(config: RuntimeConfig): boolean {
  const host = new URL(config.auth.mode === 'cognito' ? config.auth.domain : config.auth.issuer).hostname;
  return host === 'localhost' || host === '127.0.0.1';
}

/**
 * The OAuth endpoints: Cognito's are fixed paths of the managed login domain; an OIDC provider's come from the
 * configuration or, when absent, from its discovery document.
 */
export async function oidcSettings(auth: AuthConfig, fetcher: typeof fetch = fetch): Promise<OidcSettings> {
  if (auth.mode === 'cognito') {
    return {
      authorizationEndpoint: `${auth.domain}/oauth2/authorize`,
      tokenEndpoint: `${auth.domain}/oauth2/token`,
      endSessionEndpoint: `${auth.domain}/logout`,
      clientId: auth.clientId,
      scopes: auth.scopes,
      bearer: 'id_token',
      logoutStyle: 'cognito',
    };
  }
  let { authorizationEndpoint, tokenEndpoint, endSessionEndpoint } = auth;
  if (!authorizationEndpoint || !tokenEndpoint) {
    const response = await fetcher(`${auth.issuer}/.well-known/openid-configuration`);
    if (!response.ok)
      throw new ConfigError(`Không đọc được cấu hình OIDC của ${auth.issuer} (${response.status}).`);
    const discovery: unknown = await response.json();
    if (!isObject(discovery)) throw new ConfigError('Cấu hình OIDC không hợp lệ.');
    authorizationEndpoint ??= str(discovery, 'authorization_endpoint', 'openid-configuration');
    tokenEndpoint ??= str(discovery, 'token_endpoint', 'openid-configuration');
    endSessionEndpoint ??= optionalStr(discovery, 'end_session_endpoint', 'openid-configuration');
  }
  return {
    authorizationEndpoint,
    tokenEndpoint,
    ...(endSessionEndpoint ? { endSessionEndpoint } : {}),
    clientId: auth.clientId,
    scopes: auth.scopes,
    bearer: auth.bearer,
    logoutStyle: 'oidc',
  };
}
