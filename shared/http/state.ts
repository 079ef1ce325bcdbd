/**
 * What the HTTP middlewares work out for one request, kept on the Lambda context for the next middleware and the
 * handler: the endpoint, the caller, the validated parts of the request, and its idempotency.
 */
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { Caller } from '../app/caller.ts';
import type { FileStorage } from '../app/evidence.ts';
import type { ReceiptFor } from '../app/idempotency.ts';
import type { JobStarter } from '../app/jobs/types.ts';
import type { Config } from '../config.ts';
import type { Receipt } from '../store/idempotency-store.ts';
import type { Store } from '../store/store.ts';
import type { AnyEndpoint, ItemReceipts } from './endpoint.ts';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};

/** What the HTTP adapter depends on, resolved once per cold start (tests and the local server give their own). */
export interface HttpDeps {
  config: Config;
  /** The store, made on first use: the docs function has no table and never asks for one. */
  store(): Store;
  jobs(store: Store): JobStarter;
  /** The evidence file store (S3), made on first use: only the evidence function ever asks for it. */
  files(): FileStorage;
}

export interface HttpState {
  endpoint: AnyEndpoint;
  headers: Record<string, string>;
  caller?: Caller & { jobs: JobStarter; files: FileStorage };
  params?: unknown;
  query?: unknown;
  body?: unknown;
  csv: string | null;
  ifMatch: number | null;
  wantsCsv: boolean;
  receiptFor: ReceiptFor | null;
  itemReceipts: ItemReceipts | null;
  idempotency?: { key: string; hash: string; writtenWithChange: boolean };
  /** The Idempotency-Key's receipt, being read beside the authorization (`receiptLookahead`). */
  receiptRead?: { key: string; read: Promise<Receipt | null> };
}

export type HttpContext = Context & { http?: HttpState };

export function stateOf(context: HttpContext): HttpState {
  if (!context.http) throw new Error('the HTTP middlewares did not run');
  return context.http;
}
