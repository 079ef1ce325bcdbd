/**
 * The OpenAPI 3.1 document, generated from the route table and the very zod schemas that validate requests,
 * so it cannot drift from the code.
 */
import * as z from 'zod';
import { contract, type RouteKey, type RouteSchemas } from './contract.ts';
import { routeKey, routes } from './routes.ts';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: {
          type: 'string',
          enum: [
            'VALIDATION_FAILED',
            'UNAUTHENTICATED',
            'FORBIDDEN',
            'NOT_FOUND',
            'INVALID_TRANSITION',
            'QUOTA_EXCEEDED',
            'DEADLINE_PASSED',
            'CONFLICT',
            'PRECONDITION_FAILED',
            'PAYLOAD_TOO_LARGE',
            'UNSUPPORTED_MEDIA_TYPE',
          ],
        },
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

function parameters(schemas: RouteSchemas) {
  const out: Record<string, unknown>[] = [];
  for (const [where, schema] of [
    ['path', schemas.params],
    ['query', schemas.query],
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

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

export function buildOpenApi() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const key = routeKey(route) as RouteKey;
    const schemas: RouteSchemas = contract[key];
    const operation: Record<string, unknown> = {
      operationId: key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, ''),
      summary: route.summary,
      security: [{ bearer: [] }],
      parameters: parameters(schemas),
      responses: {
        '200': {
          description: 'OK',
          content: {
            'application/json': { schema: { type: 'object' } },
            ...(schemas.csvResponse ? { 'text/csv': { schema: { type: 'string' } } } : {}),
          },
        },
        '400': errorResponse('VALIDATION_FAILED'),
        '401': errorResponse('UNAUTHENTICATED'),
        '403': errorResponse('FORBIDDEN'),
        '404': errorResponse('NOT_FOUND'),
        ...(route.method !== 'GET'
          ? {
              '409': errorResponse('INVALID_TRANSITION | QUOTA_EXCEEDED | DEADLINE_PASSED | CONFLICT'),
              '412': errorResponse('PRECONDITION_FAILED'),
              '413': errorResponse('PAYLOAD_TOO_LARGE'),
              '415': errorResponse('UNSUPPORTED_MEDIA_TYPE'),
            }
          : {}),
      },
    };
    if (route.method === 'POST') {
      (operation.parameters as unknown[]).push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
      });
    }
    if (route.path.startsWith('/v1/evaluations/') && route.method !== 'GET') {
      (operation.parameters as unknown[]).push({
        name: 'If-Match',
        in: 'header',
        required: false,
        schema: { type: 'string', examples: ['"3"'] },
      });
    }
    if (schemas.body) {
      operation.requestBody = {
        required: route.method === 'PUT',
        content: {
          'application/json': { schema: jsonSchema(schemas.body) },
          ...(schemas.csvBody ? { 'text/csv': { schema: { type: 'string' } } } : {}),
        },
      };
    }
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
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
