/**
 * Who is calling, from the claims the HTTP API's JWT authorizer has verified and put on the event (locally the
 * local server verifies the token and puts the same claims in the same place). This is the one code path that
 * reads them. The claim names come from the configuration: Cognito's by default, the city's SSO otherwise.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { type Group, isGroup, type Principal } from '../app/caller.ts';

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
