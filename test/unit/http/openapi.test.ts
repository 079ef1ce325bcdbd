/**
 * The OpenAPI document is built from the endpoint definitions; a client generated from it must learn the limits
 * the server enforces. A schema written as a pipe shows only its input side, which once hid every text field's
 * `maxLength`: every free string a request may carry states its bound (or is an id, enum, date or pattern).
 */
import { describe, expect, it } from 'vitest';
import { buildOpenApi } from '../../../shared/http/openapi.ts';
import { endpoints } from '../../../shared/http/routes.ts';

type Schema = Record<string, unknown>;

function unboundedStrings(schema: unknown, path: string, found: string[]): string[] {
  if (Array.isArray(schema)) {
    schema.forEach((s, i) => {
      unboundedStrings(s, `${path}[${i}]`, found);
    });
    return found;
  }
  if (!schema || typeof schema !== 'object') return found;
  const s = schema as Schema;
  const bounded = 'maxLength' in s || 'pattern' in s || 'enum' in s || 'const' in s || 'format' in s;
  if (s.type === 'string' && !bounded) found.push(path);
  for (const [key, value] of Object.entries(s)) unboundedStrings(value, `${path}/${key}`, found);
  return found;
}

describe('the OpenAPI document', () => {
  const doc = buildOpenApi(endpoints) as { paths: Record<string, Record<string, Schema>> };

  it('has one operation per endpoint', () => {
    const operations = Object.values(doc.paths).flatMap((methods) => Object.keys(methods));
    expect(operations).toHaveLength(endpoints.length);
  });

  it('bounds every text field of every request body', () => {
    const found: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        // A CSV body is one string: the request's size limit (256 KB) is its bound, and its rows are checked as JSON's.
        const { 'text/csv': _csv, ...content } =
          ((operation.requestBody as Schema | undefined)?.content as Schema | undefined) ?? {};
        unboundedStrings(content, `${method.toUpperCase()} ${path}`, found);
      }
    }
    expect(found).toEqual([]);
  });
});
