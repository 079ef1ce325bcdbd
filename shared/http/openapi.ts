/**
 * The OpenAPI 3.1 document, generated from the endpoint definitions and the very zod schemas that validate
 * requests, so it cannot drift from the code. Who may call each endpoint is part of its description.
 */
import * as z from 'zod';
import type { AnyEndpoint, Authorization } from './endpoint.ts';
import { ERROR_STATUS, type ErrorCode } from './errors.ts';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};

const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;

function parameters(e: AnyEndpoint) {
  const out: Record<string, unknown>[] = [];
  for (const [where, schema] of [
    ['path', e.params],
    ['query', e.query],
  ] as const) {
    if (!schema) continue;
    const shape = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, property] of Object.entries(shape.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (shape.required ?? []).includes(name),
        schema: property,
      });
    }
  }
  return out;
}

const errorResponse = (codes: readonly ErrorCode[]) => ({
  description: codes.join(' | '),
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

export const AUTHORIZATION_TEXT: Record<Authorization['who'], string> = {
  anyone: 'any signed-in caller (what they see depends on their part)',
  admin: 'admins',
  'hr-or-admin': 'HR (narrowed to the subtree of its own unit) and admins',
  'period-manager': 'admins and HR of a top-level unit',
  evaluation: "the evaluation's parties",
  scoped: '',
  client: 'machine clients (OAuth client credentials) with the scope',
};

export function describeAuthorization(a: Authorization): string {
  if (a.who === 'scoped') return a.rule;
  if (a.who === 'client')
    return `machine clients only (OAuth client credentials with the scope \`${a.scope}\`), for the units and sources configured for them`;
  if (a.who === 'evaluation' && a.action)
    return `the party whose role allows \`${a.action}\` (403 for other parties, 404 for others)`;
  return AUTHORIZATION_TEXT[a.who];
}

export function buildOpenApi(endpoints: readonly AnyEndpoint[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of endpoints) {
    const writes = e.method !== 'GET';
    const operation: Record<string, unknown> = {
      operationId: `${e.method} ${e.path}`.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, ''),
      summary: e.summary,
      description: `Who may call it: ${describeAuthorization(e.authorization)}.`,
      security: [{ bearer: [] }],
      parameters: parameters(e),
      responses: {
        '200': {
          description: 'OK',
          content: {
            'application/json': { schema: { type: 'object' } },
            ...(e.csvResponse ? { 'text/csv': { schema: { type: 'string' } } } : {}),
          },
        },
        ...(writes ? { '202': { description: 'Accepted: the work continues in the background' } } : {}),
        '400': errorResponse(['VALIDATION_FAILED']),
        '401': errorResponse(['UNAUTHENTICATED']),
        '403': errorResponse(['FORBIDDEN']),
        '404': errorResponse(['NOT_FOUND']),
        '405': errorResponse(['METHOD_NOT_ALLOWED']),
        ...(writes
          ? {
              '409': errorResponse(['INVALID_TRANSITION', 'QUOTA_EXCEEDED', 'DEADLINE_PASSED', 'CONFLICT']),
              '412': errorResponse(['PRECONDITION_FAILED']),
              '413': errorResponse(['PAYLOAD_TOO_LARGE']),
              '415': errorResponse(['UNSUPPORTED_MEDIA_TYPE']),
            }
          : {}),
        '500': errorResponse(['INTERNAL_ERROR']),
        '503': errorResponse(['SERVICE_UNAVAILABLE']),
      },
    };
    if (e.method === 'POST') {
      (operation.parameters as unknown[]).push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
      });
    }
    if (e.path.startsWith('/v1/evaluations/') && writes) {
      (operation.parameters as unknown[]).push({
        name: 'If-Match',
        in: 'header',
        required: false,
        schema: { type: 'string', examples: ['"3"'] },
      });
    }
    if (e.body) {
      const json: Record<string, unknown> = { schema: jsonSchema(e.body) };
      if (e.example?.body !== undefined) json.example = e.example.body;
      operation.requestBody = {
        required: e.method === 'PUT',
        content: {
          'application/json': json,
          ...(e.csvBody
            ? {
                'text/csv': {
                  schema: { type: 'string' },
                  ...(e.example?.csv ? { example: e.example.csv } : {}),
                },
              }
            : {}),
        },
      };
    }
    paths[e.path] = { ...paths[e.path], [e.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Đánh giá, xếp loại chất lượng hằng tháng — API',
      version: '1.0.0',
      description:
        'Monthly evaluation of cadres, civil servants, public employees and workers. Errors: {"error": {code, message, details}}.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
