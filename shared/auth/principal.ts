/**
 * Who is calling. In AWS the HTTP API's JWT authorizer has already verified the token and puts its claims on
 * the event; locally the local server verifies its own tokens and puts the same claims in the same place.
 * This is the one code path that reads them.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';

export const GROUPS = ['hr', 'admin'] as const;
export type Group = (typeof GROUPS)[number];

export interface Principal {
  /** The employee id from `custom:employeeId` (or the configured claim), or `sub` when that claim is absent. */
  employeeId: string;
  groups: Group[];
}

type Claims = Record<string, string | number | boolean | string[]>;

/**
 * Claim names: Cognito's by default; a deployment that trusts its own OIDC provider names its claims (the CDK
 * stack passes them from its config, `npm start` sets its local provider's). Read on each call, so the local
 * server and the tests can set them after this module is loaded.
 */
export function claimNames(): { employeeId: string; groups: string } {
  return {
    employeeId: process.env.AUTH_EMPLOYEE_ID_CLAIM || 'custom:employeeId',
    groups: process.env.AUTH_GROUPS_CLAIM || 'cognito:groups',
  };
}

/**
 * `cognito:groups` reaches a Lambda behind an HTTP API as a string such as `[hr admin]`, but as an array in a
 * raw token: accept both.
 */
function parseGroups(raw: Claims[string] | undefined): Group[] {
  let names: string[] = [];
  if (Array.isArray(raw)) names = raw.map(String);
  else if (typeof raw === 'string') names = raw.replace(/^\[|\]$/g, '').split(/[\s,]+/);
  return names.filter((g): g is Group => (GROUPS as readonly string[]).includes(g));
}

export function principalFromEvent(
  event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>,
): Principal | null {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } }).authorizer?.jwt
    ?.claims;
  if (!claims) return null;
  const names = claimNames();
  const employeeId = claims[names.employeeId] ?? claims.sub;
  if (typeof employeeId !== 'string' || employeeId.length === 0) return null;
  return { employeeId, groups: parseGroups(claims[names.groups]) };
}

export const isAdmin = (p: Principal) => p.groups.includes('admin');
export const isHr = (p: Principal) => p.groups.includes('hr');
