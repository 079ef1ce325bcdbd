/**
 * One typed definition per endpoint: method, path, the Lambda function that serves it, what it needs of the
 * table, its schemas, who may call it, an example request, and its handler. The route table (CDK and the local
 * server), the OpenAPI document and the authorization tests are all derived from these definitions, and the
 * handler's request is typed from the schemas, so nothing is keyed by a string in three places.
 */
import type * as z from 'zod';
import type { Caller } from '../app/caller.ts';
import type { FileStorage } from '../app/evidence.ts';
import type { ReceiptFor } from '../app/idempotency.ts';
import type { JobStarter } from '../app/jobs/types.ts';
import type { ActionType } from '../domain/types.ts';
import type { FunctionName } from './functions.ts';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';
export type TableAccess = 'none' | 'read' | 'write';

/**
 * Who may call an endpoint. The adapter checks the first four itself before it reads the body (so a caller
 * without the right learns nothing of the body's rules); `evaluation` checks the caller's part in the evaluation
 * named by the path the same way; `scoped` endpoints are authorized by their use case on the data (HR's subtree,
 * the people someone supervises), described in words for the documentation.
 */
export type Authorization =
  /** Any signed-in caller: what they see is filtered by their relations. */
  | { who: 'anyone' }
  | { who: 'admin' }
  /** HR (of any scope) or an admin; the use case narrows HR to its subtree. */
  | { who: 'hr-or-admin' }
  /** Admins and HR of a top-level unit: city-wide operations. */
  | { who: 'period-manager' }
  /** Parties of the evaluation `{employeeId}/{period}` see it (404 otherwise); `action` says who may act (403). */
  | { who: 'evaluation'; action?: ActionType }
  | { who: 'scoped'; rule: string }
  /**
   * A machine client (a work system with an OAuth client-credentials token), never a person: the route sits behind
   * the machine clients' JWT authorizer, which requires the scope (API Gateway in AWS, the local server locally);
   * the adapter checks it again and the use case applies the client's configured units and sources.
   */
  | { who: 'client'; scope: MachineScope };

/** Logical scopes of machine clients; the deployment names the scope string tokens carry (`machineClients`). */
export const MACHINE_SCOPES = ['tasks:write'] as const;
export type MachineScope = (typeof MACHINE_SCOPES)[number];

export interface Example {
  /** A valid request body, shown in the OpenAPI document and sent by the authorization tests. */
  body?: unknown;
  /** The same request as CSV, where the endpoint takes one. */
  csv?: string;
}

export interface Request<P, Q, B> {
  caller: Caller & { jobs: JobStarter; files: FileStorage };
  params: P;
  query: Q;
  body: B;
  /** The raw text of a CSV body, when the route accepts one and it was sent. */
  csv: string | null;
  /** The version named by `If-Match`, when sent. */
  ifMatch: number | null;
  /** The client asked for CSV (`Accept: text/csv`). */
  wantsCsv: boolean;
  /** With an `Idempotency-Key`: makes the receipt a transition writes with its change. */
  receiptFor: ReceiptFor | null;
  /** Per-item receipts of a bulk request (the key and an item's id). */
  itemReceipts: ItemReceipts | null;
}

export interface ItemReceipts {
  replay(itemId: string): Promise<{ statusCode: number; body: unknown } | null>;
  receiptFor(itemId: string): ReceiptFor;
  /** Keeps an item's answer that was not written with a change (a refusal). */
  keep(itemId: string, statusCode: number, body: unknown): Promise<void>;
}

export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
  /** A body that is not JSON: text, or base64 of binary content. */
  raw?: { text: string; base64?: boolean };
}

/** A CSV reply: UTF-8 with a byte-order mark so that Excel opens Vietnamese text correctly. */
export function csvReply(csv: string, filename: string): Reply {
  return {
    body: null,
    raw: { text: `\uFEFF${csv}` },
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
    },
  };
}

/** A binary download (e.g. XLSX): base64 in the Lambda result, as API Gateway expects for binary bodies. */
export function binaryReply(content: Uint8Array, contentType: string, filename: string): Reply {
  return {
    body: null,
    raw: { text: Buffer.from(content).toString('base64'), base64: true },
    headers: { 'content-type': contentType, 'content-disposition': `attachment; filename="${filename}"` },
  };
}

type Out<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

export interface Endpoint<
  PS extends z.ZodType | undefined = z.ZodType | undefined,
  QS extends z.ZodType | undefined = z.ZodType | undefined,
  BS extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: HttpMethod;
  path: string;
  function: FunctionName;
  /** What this endpoint needs of the table; its function's grant is the widest of its endpoints. */
  access: TableAccess;
  summary: string;
  params?: PS;
  query?: QS;
  body?: BS;
  /** Accepts `text/csv` besides JSON. */
  csvBody?: boolean;
  /** Answers CSV when asked with `Accept: text/csv`. */
  csvResponse?: boolean;
  authorization: Authorization;
  /**
   * The handler writes the Idempotency-Key's receipt in the same transaction as its change (a transition): a retry
   * is then recognized by that write (the receipt is there) or, when refused, by keeping its refusal, so the receipt
   * is not read before the handler runs (a read unit a request saved; idempotency.ts).
   */
  receiptWithChange?: true;
  example?: Example;
  handler(req: Request<Out<PS>, Out<QS>, Out<BS>>): Promise<Reply>;
}

/** Defines an endpoint; the handler's request is typed from the schemas given. */
export function endpoint<
  PS extends z.ZodType | undefined = undefined,
  QS extends z.ZodType | undefined = undefined,
  BS extends z.ZodType | undefined = undefined,
>(definition: Endpoint<PS, QS, BS>): Endpoint<PS, QS, BS> {
  return definition;
}

// biome-ignore lint/suspicious/noExplicitAny: a list holds endpoints of every request type
export type AnyEndpoint = Endpoint<any, any, any>;

/** `GET /v1/units/{unitId}`: the API Gateway HTTP API route key, also how events are dispatched. */
export const routeKey = (e: Pick<AnyEndpoint, 'method' | 'path'>) => `${e.method} ${e.path}`;
