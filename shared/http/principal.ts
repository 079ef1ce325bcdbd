/**
 * Who is calling, from the claims the HTTP API's JWT authorizer has verified and put on the event (locally the
 * local server verifies the token and puts the same claims in the same place). This is the one code path that
 * reads them. The claim names come from the configuration: Cognito's by default, the city's SSO otherwise.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { clientPrincipal, type Group, isGroup, type Principal } from '../app/caller.ts';

type Claims = Record<string, string | number | boolean | string[]>;

/**
 * `cognito:groups` reaches a Lambda behind an HTTP API as a string such as `[hr admin]`, but as an array in a raw
 * token: accept both.
 */
function parseGroups(raw: Claims[string] | undefined): Group[] {
  let names: string[] = [];
  if (Array.isArray(raw)) names = raw.map(String);
  else if (typeof raw === 'string') names = raw.replace(/^\[|\]$/g, '').split(/[\s,]+/);
  return names.filter(isGroup);
}

export function principalFromEvent(
  event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>,
  claimNames: { employeeIdClaim: string; groupsClaim: string },
): Principal | null {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } }).authorizer?.jwt
    ?.claims;
  if (!claims) return null;
  const employeeId = claims[claimNames.employeeIdClaim] ?? claims.sub;
  if (typeof employeeId !== 'string' || employeeId.length === 0) return null;
  return { employeeId, groups: parseGroups(claims[claimNames.groupsClaim]) };
}

/**
 * A machine client, from a client-credentials access token: its client id from the configured claim (Cognito's and
 * most providers' `client_id`, Keycloak's `azp`) and its scopes, as the JWT authorizer lists them (`scopes`) or
 * as the token's space-separated `scope` claim holds them. A token with an employee id is no machine client's.
 */
export function clientPrincipalFromEvent(
  event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>,
  clientIdClaim: string,
): Principal | null {
  const jwt = (
    event.requestContext as { authorizer?: { jwt?: { claims?: Claims; scopes?: string[] | null } } }
  ).authorizer?.jwt;
  const claims = jwt?.claims;
  if (!claims) return null;
  const clientId = claims[clientIdClaim];
  if (typeof clientId !== 'string' || clientId.length === 0) return null;
  const fromClaim = typeof claims.scope === 'string' ? claims.scope.split(/\s+/).filter(Boolean) : [];
  const scopes = Array.isArray(jwt?.scopes) && jwt.scopes.length > 0 ? jwt.scopes : fromClaim;
  return clientPrincipal({ clientId, scopes: [...new Set(scopes)] });
}
