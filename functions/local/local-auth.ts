/**
 * Local stand-in for Cognito: tokens signed with a key of this machine (HS256), carrying the same claims the
 * HTTP API's JWT authorizer passes on in AWS (`sub`, `custom:employeeId`, `cognito:groups`). Only the local
 * server uses this module; it is never bundled into a Lambda.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { GROUPS, type Group } from '../../shared/app/caller.ts';

const ISSUER = 'danh-gia-local';
const AUDIENCE = 'danh-gia-local-api';
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
  return new SignJWT({ 'custom:employeeId': employeeId, 'cognito:groups': groups })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(employeeId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.lifetimeSeconds ?? TOKEN_LIFETIME_SECONDS))
    .sign(key.secret);
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
    const claims: Claims = {};
    for (const [name, value] of Object.entries(payload)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        claims[name] = value;
      else if (Array.isArray(value)) claims[name] = value.map(String);
    }
    return claims;
  } catch {
    return null;
  }
}

export function isGroup(value: unknown): value is Group {
  return typeof value === 'string' && (GROUPS as readonly string[]).includes(value);
}
