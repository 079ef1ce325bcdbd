/**
 * The route table: every endpoint of the API, from the definitions of each group (shared/http/endpoints). The
 * CDK stack creates routes, functions and permissions from it; the local server dispatches requests with it; the
 * OpenAPI document and the authorization tests are generated from it. Local and cloud cannot drift.
 */
import { type AnyEndpoint, endpoint, type MachineScope, routeKey, type TableAccess } from './endpoint.ts';
import { evaluationEndpoints } from './endpoints/evaluations.ts';
import { evidenceEndpoints } from './endpoints/evidence.ts';
import { exportEndpoints } from './endpoints/exports.ts';
import { notificationEndpoints } from './endpoints/notifications.ts';
import { orgEndpoints } from './endpoints/org.ts';
import { periodEndpoints } from './endpoints/periods.ts';
import { productEndpoints } from './endpoints/products.ts';
import { reportEndpoints } from './endpoints/reports.ts';
import { rubricEndpoints } from './endpoints/rubrics.ts';
import { worklistEndpoints } from './endpoints/worklists.ts';
import { FUNCTIONS, type FunctionName } from './functions.ts';
import { buildOpenApi } from './openapi.ts';

export type { HttpMethod } from './endpoint.ts';
export { FUNCTIONS, type FunctionName, routeKey, type TableAccess };

const documented: readonly AnyEndpoint[] = [
  ...orgEndpoints,
  ...periodEndpoints,
  ...evaluationEndpoints,
  ...worklistEndpoints,
  ...rubricEndpoints,
  ...reportEndpoints,
  ...exportEndpoints,
  ...productEndpoints,
  ...evidenceEndpoints,
  ...notificationEndpoints,
];

let openApi: ReturnType<typeof buildOpenApi> | undefined;

export const docsEndpoint = endpoint({
  method: 'GET',
  path: '/v1/openapi.json',
  function: 'docs',
  access: 'none',
  summary: 'This OpenAPI document',
  authorization: { who: 'anyone' },
  handler: async () => {
    openApi ??= buildOpenApi(endpoints);
    return { body: openApi };
  },
});

export const endpoints: readonly AnyEndpoint[] = [...documented, docsEndpoint];

/** What a route needs to be deployed and dispatched (the handler stays with its function). */
export interface RouteDefinition {
  method: AnyEndpoint['method'];
  path: string;
  function: FunctionName;
  access: TableAccess;
  summary: string;
  /**
   * Which JWT authorizer guards the route: `people` (the web app's users) or `machines` (work systems with a
   * client-credentials token), and for machines the logical scope the token must carry.
   */
  authorizer: 'people' | 'machines';
  scope?: MachineScope;
}

export const routes: readonly RouteDefinition[] = endpoints.map((e) => ({
  method: e.method,
  path: e.path,
  function: e.function,
  access: e.access,
  summary: e.summary,
  ...(e.authorization.who === 'client'
    ? { authorizer: 'machines' as const, scope: e.authorization.scope }
    : { authorizer: 'people' as const }),
}));

/** The endpoints one function serves. */
export const endpointsOf = (fn: FunctionName) => endpoints.filter((e) => e.function === fn);

/** What a function needs of the table: the widest need of its routes. */
export function functionAccess(fn: FunctionName): TableAccess {
  const levels: TableAccess[] = ['none', 'read', 'write'];
  return routes
    .filter((r) => r.function === fn)
    .reduce<TableAccess>(
      (widest, r) => (levels.indexOf(r.access) > levels.indexOf(widest) ? r.access : widest),
      'none',
    );
}
