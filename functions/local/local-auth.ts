/**
 * The shortcut for scripts and API tests (`POST /local/token`): tokens signed with a key of this machine (HS256),
 * carrying the claims the HTTP API's JWT authorizer passes on in AWS, under the configured claim names
 * (`AUTH_EMPLOYEE_ID_CLAIM` and `AUTH_GROUPS_CLAIM` in shared/config.ts, as for the local OpenID provider's tokens).
 * The web app signs in through that provider (`local-oidc.ts`) instead. Only the local server uses this module;
 * it is never bundled into a Lambda.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { GROUPS, type Group } from '../../shared/app/caller.ts';
import { config } from '../../shared/config.ts';

const ISSUER = 'danh-gia-local';
const AUDIENCE = 'danh-gia-local-api';
/** Machine tokens have their own audience: the people's routes refuse them, as the people's authorizer does. */
const MACHINE_AUDIENCE = 'danh-gia-local-machines';
/** A client-credentials token lives an hour, as Cognito's and most providers' do. */
export const MACHINE_TOKEN_LIFETIME_SECONDS = 60 * 60;
export const TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;

export interface LocalTokenKey {
  secret: Uint8Array;
}

/** A key kept in the data folder (so tokens survive a restart), or a fresh one in memory. */
export function loadLocalTokenKey(dataDir: string | null): LocalTokenKey {
  if (dataDir === null) return { secret: randomBytes(32) };
  const file = join(dataDir, 'local-jwt-secret');
  if (existsSync(file)) return { secret: Buffer.from(readFileSync(file, 'utf8').trim(), 'base64') };
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(file, secret.toString('base64'), { mode: 0o600 });
  return { secret };
}

export async function issueLocalToken(
  key: LocalTokenKey,
  employeeId: string,
  groups: Group[],
  options: { lifetimeSeconds?: number; now?: number } = {},
): Promise<string> {
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const { employeeIdClaim, groupsClaim } = config().auth;
  const names = { employeeId: employeeIdClaim, groups: groupsClaim };
  return new SignJWT({ [names.employeeId]: employeeId, [names.groups]: groups })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(employeeId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.lifetimeSeconds ?? TOKEN_LIFETIME_SECONDS))
    .sign(key.secret);
}

/**
 * A machine client's token, as a provider's client-credentials grant issues it: the client id under the configured
 * claim (`MACHINE_CLIENT_ID_CLAIM`, `client_id` by default) and the scopes space-separated in `scope`.
 */
export async function issueLocalMachineToken(
  key: LocalTokenKey,
  clientId: string,
  scopes: readonly string[],
  options: { lifetimeSeconds?: number; now?: number } = {},
): Promise<string> {
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  return new SignJWT({
    [config().machines.clientIdClaim]: clientId,
    scope: scopes.join(' '),
    token_use: 'access',
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(clientId)
    .setIssuer(ISSUER)
    .setAudience(MACHINE_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.lifetimeSeconds ?? MACHINE_TOKEN_LIFETIME_SECONDS))
    .sign(key.secret);
}

/** A machine token's claims, or null (a person's token has another audience and is refused here). */
export async function verifyLocalMachineToken(key: LocalTokenKey, token: string): Promise<Claims | null> {
  try {
    const { payload } = await jwtVerify(token, key.secret, {
      issuer: ISSUER,
      audience: MACHINE_AUDIENCE,
      algorithms: ['HS256'],
    });
    return claimsOf(payload);
  } catch {
    return null;
  }
}

/** The scopes of a verified access token, as API Gateway's JWT authorizer reads them (`scope` or `scp`). */
export function scopesOf(claims: Claims): string[] {
  const raw = claims.scope ?? claims.scp;
  if (Array.isArray(raw)) return raw;
  return typeof raw === 'string' ? raw.split(/\s+/).filter(Boolean) : [];
}

export type Claims = Record<string, string | number | boolean | string[]>;

/** The token's claims, or null for a missing, expired, forged or tampered token. */
export async function verifyLocalToken(key: LocalTokenKey, token: string): Promise<Claims | null> {
  try {
    const { payload } = await jwtVerify(token, key.secret, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
    });
    return claimsOf(payload);
  } catch {
    return null;
  }
}

/** A verified payload's claims as the authorizer keeps them: strings, numbers, booleans, lists of strings. */
export function claimsOf(payload: Record<string, unknown>): Claims {
  const claims: Claims = {};
  for (const [name, value] of Object.entries(payload)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      claims[name] = value;
    else if (Array.isArray(value)) claims[name] = value.map(String);
  }
  return claims;
}

export function isGroup(value: unknown): value is Group {
  return typeof value === 'string' && (GROUPS as readonly string[]).includes(value);
}
