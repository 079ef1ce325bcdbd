/**
 * A real local server on a free port, over a fresh table on the shared DynamoDB Local, optionally with the demo
 * data: requests go through HTTP, the route table, the local JWT check and the real handlers.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { seedDemo } from '../../functions/local/demo-data.ts';
import {
  issueLocalMachineToken,
  issueLocalToken,
  loadLocalTokenKey,
} from '../../functions/local/local-auth.ts';
import { prepareEvidenceBucket, useLocalMachineClients } from '../../functions/local/s3-local.ts';
import { startLocalServer } from '../../functions/local/server.ts';
import type { Group } from '../../shared/app/caller.ts';
import type { Db } from '../../shared/store/client.ts';
import type { Store } from '../../shared/store/store.ts';
import { freshTable } from './table.ts';

/**
 * In the seeded demo (functions/local/demo-data.ts), the party whose role allows each transition on an evaluation of
 * stc-ns-03: the bad-input and fuzz tests send as them, since a caller without the right is refused (403) before the
 * body is looked at.
 */
export const TRANSITION_ACTORS: Record<string, { employeeId: string; groups?: ('hr' | 'admin')[] }> = {
  saveSelfAssessment: { employeeId: 'stc-ns-03' },
  submit: { employeeId: 'stc-ns-03' },
  appeal: { employeeId: 'stc-ns-03' },
  review: { employeeId: 'stc-ns-pp' },
  return: { employeeId: 'stc-ns-tp' },
  approve: { employeeId: 'stc-ns-tp' },
  decideAppeal: { employeeId: 'hn-hr', groups: ['hr'] },
};

export interface CallOptions {
  as?: string | { employeeId: string; groups?: readonly Group[] } | null;
  /** A machine client's token (a work system): client id and scopes. */
  asClient?: { clientId: string; scopes: readonly string[] };
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface TestApi {
  url: string;
  db: Db;
  store: Store;
  seeded: Awaited<ReturnType<typeof seedDemo>> | null;
  tokenFor(
    who: string | { employeeId: string; groups?: readonly Group[] },
    options?: { lifetimeSeconds?: number; now?: number },
  ): Promise<string>;
  call<T = any>(method: string, path: string, options?: CallOptions): Promise<ApiResponse<T>>;
  /** A machine client's token, as `/local/token` mints it. */
  machineToken(
    clientId: string,
    scopes: readonly string[],
    options?: { lifetimeSeconds?: number; now?: number },
  ): Promise<string>;
  /** The local S3 API and this file's evidence bucket. */
  s3: { endpoint: string; bucket: string };
  /** Starts a recomputation of the period's rankings (202) and waits for its run to be DONE. */
  computeRankings(period: string, as: CallOptions['as']): Promise<ApiResponse>;
  close(): Promise<void>;
}

/**
 * The evidence bucket and the demo's machine clients, in the environment the handlers read their configuration
 * from (once per test file process, before the first handler loads): one bucket per test file on the shared s3rver.
 */
export async function useTestEvidence(): Promise<{ endpoint: string; bucket: string }> {
  const endpoint = inject('s3Endpoint');
  process.env.S3_ENDPOINT ??= endpoint;
  process.env.EVIDENCE_BUCKET ??= `evidence-${randomUUID().slice(0, 8)}`;
  useLocalMachineClients();
  const bucket = process.env.EVIDENCE_BUCKET;
  await prepareEvidenceBucket(endpoint, bucket, ['http://localhost', 'http://127.0.0.1']);
  return { endpoint, bucket };
}

export async function startTestApi(options: { seed?: boolean; label?: string } = {}): Promise<TestApi> {
  const s3 = await useTestEvidence();
  const { db, store } = await freshTable(options.label ?? 'api');
  const seeded = options.seed === false ? null : await seedDemo(store);
  const tokenKey = loadLocalTokenKey(null);
  const server = await startLocalServer({ port: 0, tokenKey });
  const tokens = new Map<string, string>();
  const tokenFor: TestApi['tokenFor'] = async (who, tokenOptions) => {
    const principal = typeof who === 'string' ? { employeeId: who, groups: [] } : who;
    const cacheKey = tokenOptions ? null : `${principal.employeeId}|${(principal.groups ?? []).join(',')}`;
    const cached = cacheKey ? tokens.get(cacheKey) : undefined;
    if (cached) return cached;
    const token = await issueLocalToken(
      tokenKey,
      principal.employeeId,
      [...(principal.groups ?? [])],
      tokenOptions,
    );
    if (cacheKey) tokens.set(cacheKey, token);
    return token;
  };
  const api: TestApi = {
    url: server.url,
    db,
    store,
    seeded,
    tokenFor,
    s3,
    machineToken: (clientId, scopes, tokenOptions) =>
      issueLocalMachineToken(tokenKey, clientId, scopes, tokenOptions),
    async call(method, path, callOptions = {}) {
      const headers: Record<string, string> = { ...callOptions.headers };
      const token =
        callOptions.token ??
        (callOptions.asClient
          ? await issueLocalMachineToken(tokenKey, callOptions.asClient.clientId, callOptions.asClient.scopes)
          : callOptions.as
            ? await tokenFor(callOptions.as)
            : undefined);
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | undefined = callOptions.rawBody;
      if (callOptions.body !== undefined) {
        body = JSON.stringify(callOptions.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${server.url}${path}`, { method, headers, body });
      // Keep a byte-order mark if there is one: CSV downloads must carry it.
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON (CSV, empty): keep the text
      }
      return { status: response.status, headers: response.headers, body: parsed as any, text };
    },
    async computeRankings(period, as) {
      const started = await api.call('POST', `/v1/periods/${period}/rankings`, { as });
      if (started.status !== 202) return started;
      for (let i = 0; i < 300; i++) {
        const run = await api.call('GET', `/v1/periods/${period}/rankings/runs/${started.body.runId}`, {
          as,
        });
        if (run.body.status !== 'RUNNING') return run;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`the rankings of ${period} were not computed in time`);
    },
    close: () => server.close(),
  };
  return api;
}
