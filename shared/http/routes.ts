/**
 * The route and schedule table: the one list of HTTP routes, the Lambda function that serves each, and the
 * scheduled jobs. The CDK stack creates routes, functions, permissions and schedules from it; the local server
 * dispatches requests and runs jobs from it. Nothing else lists routes, so local and cloud cannot drift.
 *
 * Routes are grouped into a few functions so that cold starts stay small (each bundle holds only its group's
 * code) without one Lambda per route. A function gets write access to the table only if one of its routes writes.
 */

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';
export type TableAccess = 'none' | 'read' | 'write';

export const FUNCTIONS = {
  org: { entry: 'functions/http/org.ts', description: 'Units, employees, org import, acting heads' },
  periods: {
    entry: 'functions/http/periods.ts',
    description: 'Open, read and close periods; compute rankings',
  },
  evaluations: { entry: 'functions/http/evaluations.ts', description: 'Evaluation reads and transitions' },
  worklists: { entry: 'functions/http/worklists.ts', description: 'Me, review and approval inboxes' },
  rubrics: { entry: 'functions/http/rubrics.ts', description: 'Rubrics and their versions' },
  reports: { entry: 'functions/http/reports.ts', description: 'Rankings, league tables, annual report' },
  exports: { entry: 'functions/http/exports.ts', description: 'XLSX exports of rankings and annual reports' },
  docs: { entry: 'functions/http/docs.ts', description: 'OpenAPI document' },
} as const;

export type FunctionName = keyof typeof FUNCTIONS;

export interface RouteDefinition {
  method: HttpMethod;
  path: string;
  function: FunctionName;
  /** What this route needs of the table; the function's grant is the widest of its routes. */
  access: TableAccess;
  summary: string;
}

const route = (
  method: HttpMethod,
  path: string,
  fn: FunctionName,
  access: TableAccess,
  summary: string,
): RouteDefinition => ({ method, path, function: fn, access, summary });

export const routes: readonly RouteDefinition[] = [
  route('PUT', '/v1/units/{unitId}', 'org', 'write', 'Create or replace a unit'),
  route('GET', '/v1/units', 'org', 'read', 'List units'),
  route('PUT', '/v1/employees/{employeeId}', 'org', 'write', 'Create or replace an employee'),
  route('GET', '/v1/employees/{employeeId}', 'org', 'read', 'Read an employee'),
  route('POST', '/v1/org/import', 'org', 'write', 'Import units and employees (CSV or JSON), all or nothing'),
  route('PUT', '/v1/units/{unitId}/acting-heads/{employeeId}', 'org', 'write', 'Name an acting head'),
  route('GET', '/v1/units/{unitId}/acting-heads', 'org', 'read', 'List acting heads of a unit'),

  route('POST', '/v1/periods/{period}/open', 'periods', 'write', 'Open a period and create drafts'),
  route('GET', '/v1/periods/{period}', 'periods', 'read', 'Period status and counts'),
  route('POST', '/v1/periods/{period}/close', 'periods', 'write', 'Close a period: expire, rank, publish'),
  route('POST', '/v1/periods/{period}/rankings', 'periods', 'write', 'Compute rankings now'),

  route('GET', '/v1/evaluations/{employeeId}/{period}', 'evaluations', 'read', 'Read an evaluation'),
  route(
    'PUT',
    '/v1/evaluations/{employeeId}/{period}/self-assessment',
    'evaluations',
    'write',
    'Save the self-assessment',
  ),
  route(
    'POST',
    '/v1/evaluations/{employeeId}/{period}/submit',
    'evaluations',
    'write',
    'Submit the self-assessment',
  ),
  route('POST', '/v1/evaluations/{employeeId}/{period}/review', 'evaluations', 'write', 'Review and score'),
  route(
    'POST',
    '/v1/evaluations/{employeeId}/{period}/return',
    'evaluations',
    'write',
    'Return with a comment',
  ),
  route(
    'POST',
    '/v1/evaluations/{employeeId}/{period}/approve',
    'evaluations',
    'write',
    'Approve the final grade',
  ),
  route(
    'POST',
    '/v1/evaluations/{employeeId}/{period}/appeal',
    'evaluations',
    'write',
    'Appeal an approved result',
  ),
  route(
    'POST',
    '/v1/evaluations/{employeeId}/{period}/appeal/decision',
    'evaluations',
    'write',
    'Decide an appeal',
  ),
  route(
    'GET',
    '/v1/evaluations/{employeeId}/{period}/history',
    'evaluations',
    'read',
    'History of an evaluation',
  ),
  route(
    'GET',
    '/v1/employees/{employeeId}/evaluations',
    'evaluations',
    'read',
    "An employee's months of a year",
  ),
  route('POST', '/v1/approvals/bulk', 'evaluations', 'write', 'Approve many evaluations'),

  route('GET', '/v1/me', 'worklists', 'read', 'The caller, roles and pending work'),
  route('GET', '/v1/reviews', 'worklists', 'read', "The caller's reviews for a period"),
  route('GET', '/v1/approvals', 'worklists', 'read', "The caller's approvals for a period"),

  route('GET', '/v1/rubrics', 'rubrics', 'read', 'List rubrics'),
  route('GET', '/v1/rubrics/{rubricId}', 'rubrics', 'read', 'Read the current version of a rubric'),
  route('PUT', '/v1/rubrics/{rubricId}', 'rubrics', 'write', 'Make a new rubric version'),

  route('GET', '/v1/units/{unitId}/rankings/{period}', 'reports', 'read', 'Unit ranking (JSON or CSV)'),
  route(
    'GET',
    '/v1/units/{unitId}/subunit-rankings/{period}',
    'reports',
    'read',
    'Sub-units ranked by mean total',
  ),
  route('GET', '/v1/reports/annual/{year}', 'reports', 'read', 'Annual results'),

  route('GET', '/v1/exports/units/{unitId}/rankings/{period}', 'exports', 'read', 'Unit ranking as XLSX'),
  route('GET', '/v1/exports/annual/{year}', 'exports', 'read', 'Annual report as XLSX'),

  route('GET', '/v1/openapi.json', 'docs', 'none', 'This OpenAPI document'),
];

/** `GET /v1/units/{unitId}`: the API Gateway HTTP API route key, also used by handlers to dispatch. */
export const routeKey = (r: Pick<RouteDefinition, 'method' | 'path'>) => `${r.method} ${r.path}`;

export function functionAccess(fn: FunctionName): TableAccess {
  const levels: TableAccess[] = ['none', 'read', 'write'];
  return routes
    .filter((r) => r.function === fn)
    .reduce<TableAccess>(
      (widest, r) => (levels.indexOf(r.access) > levels.indexOf(widest) ? r.access : widest),
      'none',
    );
}

export interface ScheduleDefinition {
  job: JobName;
  entry: string;
  /** EventBridge Scheduler cron expression, evaluated in `timeZone`. */
  cron: string;
  timeZone: 'Asia/Ho_Chi_Minh';
  access: TableAccess;
  description: string;
  /**
   * The job splits its work per unit: in AWS the scheduled run enqueues one message per unit on an SQS queue
   * (with a dead-letter queue) that the same function consumes; locally the units run inline, in order.
   */
  fanOut: boolean;
  /** Sends e-mail (SES in AWS, the local outbox otherwise). */
  sendsEmail: boolean;
}

export const JOBS = ['open-period', 'remind', 'close-period', 'compute-rankings', 'annual-rollup'] as const;
export type JobName = (typeof JOBS)[number];

const schedule = (
  job: JobName,
  cron: string,
  description: string,
  options: { fanOut?: boolean; sendsEmail?: boolean } = {},
): ScheduleDefinition => ({
  job,
  fanOut: options.fanOut ?? false,
  sendsEmail: options.sendsEmail ?? false,
  entry: `functions/jobs/${job}.ts`,
  cron,
  timeZone: 'Asia/Ho_Chi_Minh',
  access: 'write',
  description,
});

export const schedules: readonly ScheduleDefinition[] = [
  schedule('open-period', 'cron(5 0 1 * ? *)', 'Day 1, 00:05: open the month and create drafts', {
    fanOut: true,
  }),
  schedule('remind', 'cron(0 8 * * ? *)', 'Every day 08:00: remind who still has to act', {
    sendsEmail: true,
  }),
  // Deadlines move with weekends and holidays, so the job runs daily and closes a period once its approval
  // deadline has passed; on other days it changes nothing.
  schedule('close-period', 'cron(30 0 * * ? *)', 'Every day 00:30: close periods past the approval deadline'),
  schedule('compute-rankings', 'cron(0 1 * * ? *)', 'Every day 01:00: refresh rankings of open periods', {
    fanOut: true,
  }),
  schedule('annual-rollup', 'cron(0 2 10 12 ? *)', '10 December 02:00: annual results before 15 December', {
    fanOut: true,
  }),
];
