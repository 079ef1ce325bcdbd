/**
 * The Lambda functions that serve the API. Endpoints are grouped into a few functions so that cold starts stay
 * small (each bundle holds only its group's code) without one Lambda per route.
 */
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
  products: {
    entry: 'functions/http/products.ts',
    description: 'Products fed by the work systems, comments, excuses (Decree 335 task results)',
  },
  evidence: {
    entry: 'functions/http/evidence.ts',
    description: 'Evidence files: presigned upload and download',
  },
  notifications: {
    entry: 'functions/http/notifications.ts',
    description: 'In-app notifications, the e-mail switch, suppressed addresses',
  },
} as const;

export type FunctionName = keyof typeof FUNCTIONS;
