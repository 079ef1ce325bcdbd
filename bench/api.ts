/**
 * `npm run bench -- api [--staff 1000] [--clients 50] [--rounds 400]`
 *
 * (1) Overhead of the handler stack (middy, routing, authentication, zod validation, error mapping, JSON) against
 *     a bare handler that calls the same use case — hence the same DynamoDB calls with the same concurrency —
 *     directly. Both run in this process, interleaved A/B, on the same DynamoDB Local, so noise hits both
 *     alike; the figure is the ratio of medians.
 * (2) Throughput and latency over HTTP on the local server: `--clients` concurrent clients doing a
 *     deadline-day mix — each takes one employee through save, submit, review and approve. Before it, one employee
 *     taken through the same steps alone shows what each step asks of DynamoDB (requests, and round trips: the
 *     requests sent one after another); during it, the CPU each request costs this process (clients and server)
 *     and DynamoDB Local, which is steadier than latency on a shared machine.
 */
import { performance } from 'node:perf_hooks';
import type { Context } from 'aws-lambda';
import { startDynamoDbLocal } from '../functions/local/dynamodb-local.ts';
import { issueLocalToken, loadLocalTokenKey } from '../functions/local/local-auth.ts';
import { startLocalServer } from '../functions/local/server.ts';
import { readEvaluation } from '../shared/app/evaluations.ts';
import { readMe } from '../shared/app/worklists.ts';
import type { HttpEvent, HttpResult } from '../shared/http/handler.ts';
import { createDb } from '../shared/store/client.ts';
import { createTableIfMissing } from '../shared/store/create-table.ts';
import { createDynamoStore, setStore } from '../shared/store/store.ts';
import { cpuMsOf, median, numberArg } from './_common.ts';
import { seedBenchOrg } from './_org.ts';

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

function event(
  routeKey: string,
  rawPath: string,
  claims: Record<string, string>,
  pathParameters: Record<string, string>,
  query?: Record<string, string>,
): HttpEvent {
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: {},
    pathParameters,
    queryStringParameters: query,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'bench',
      apiId: 'bench',
      domainName: 'localhost',
      domainPrefix: 'bench',
      requestId: 'bench',
      routeKey,
      stage: '$default',
      time: '',
      timeEpoch: 0,
      http: {
        method: routeKey.split(' ')[0] ?? 'GET',
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'bench',
      },
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } },
    },
  } as HttpEvent;
}

const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

/** Requests sent one after another: a request that starts after every earlier one answered opens a round trip. */
function roundTrips(requests: readonly { start: number; end: number }[]): number {
  let rounds = 0;
  let answered = Number.NEGATIVE_INFINITY;
  for (const r of [...requests].sort((a, b) => a.start - b.start)) {
    if (r.start >= answered) rounds++;
    answered = Math.max(answered, r.end);
  }
  return rounds;
}

/** The last deadline-day mix's figures (bench/lean.ts prints them against their targets). */
export const lastMix: { errors: number; p99: Record<string, number> } = { errors: 0, p99: {} };

export async function run(args: string[]): Promise<void> {
  const staff = numberArg(args, 'staff', 1000);
  const clients = numberArg(args, 'clients', 50);
  const rounds = numberArg(args, 'rounds', 400);
  const engine = await startDynamoDbLocal({ dataDir: null });
  try {
    const db = createDb({ tableName: 'bench-api', endpoint: engine.endpoint });
    await createTableIfMissing(db.client, db.tableName);
    const store = createDynamoStore(db);
    setStore(store);
    process.env.TABLE_NAME = db.tableName;
    const org = await seedBenchOrg(store, staff);
    console.log(`seeded ${org.employees.length} staff in ${org.units} units, period ${org.period}`);

    // (1) handler stack overhead, on two read routes.
    const { handler: evaluations } = (await import('../functions/http/evaluations.ts')) as {
      handler: (e: HttpEvent, c: Context) => Promise<HttpResult>;
    };
    const { handler: worklists } = (await import('../functions/http/worklists.ts')) as {
      handler: (e: HttpEvent, c: Context) => Promise<HttpResult>;
    };
    const someone = org.employees[0];
    if (!someone) throw new Error('no staff');
    const claims = { sub: someone.id, 'custom:employeeId': someone.id, 'cognito:groups': '[]' };
    const cases = [
      {
        name: 'GET /v1/evaluations/{employeeId}/{period}',
        full: () =>
          evaluations(
            event(
              'GET /v1/evaluations/{employeeId}/{period}',
              `/v1/evaluations/${someone.id}/${org.period}`,
              claims,
              { employeeId: someone.id, period: org.period },
            ),
            context,
          ),
      },
      { name: 'GET /v1/me', full: () => worklists(event('GET /v1/me', '/v1/me', claims, {}), context) },
    ];
    const overhead: string[] = [];
    const caller = () => ({ store, principal: { employeeId: someone.id, groups: [] }, now: new Date() });
    const bareCases: Record<string, () => Promise<unknown>> = {
      // The same use case, hence the same DynamoDB calls with the same concurrency, without the stack.
      'GET /v1/evaluations/{employeeId}/{period}': async () =>
        JSON.stringify(await readEvaluation(caller(), someone.id, org.period)),
      'GET /v1/me': async () => JSON.stringify(await readMe(caller())),
    };
    for (const c of cases) {
      const bare = bareCases[c.name];
      if (!bare) throw new Error(`no bare case for ${c.name}`);
      // Count the DynamoDB calls of one request, for the table.
      let calls = 0;
      const counter = (next: (a: unknown) => Promise<unknown>) => async (a: unknown) => {
        calls++;
        return next(a);
      };
      db.client.middlewareStack.add(counter as never, { step: 'initialize', name: 'benchCounter' });
      const probe = await c.full();
      db.client.middlewareStack.remove('benchCounter');
      if (probe.statusCode !== 200) throw new Error(`${c.name}: ${probe.statusCode} ${probe.body}`);
      for (let i = 0; i < 50; i++) {
        await c.full();
        await bare();
      }
      const fullTimes: number[] = [];
      const bareTimes: number[] = [];
      for (let i = 0; i < rounds; i++) {
        // Alternate which goes first, so neither always follows the other.
        const order = i % 2 === 0 ? [c.full, bare] : [bare, c.full];
        for (const run of order) {
          const t = performance.now();
          await run();
          (run === bare ? bareTimes : fullTimes).push(performance.now() - t);
        }
      }
      const ratio = median(fullTimes) / median(bareTimes);
      overhead.push(
        `| ${c.name} | ${calls} | ${median(bareTimes).toFixed(2)} | ${median(fullTimes).toFixed(2)} | ${((ratio - 1) * 100).toFixed(1)}% |`,
      );
    }

    // (2) deadline-day mix over HTTP, 50 clients.
    const tokenKey = loadLocalTokenKey(null);
    const server = await startLocalServer({ port: 0, tokenKey });
    const tokens = new Map<string, string>();
    const token = async (id: string) => {
      let t = tokens.get(id);
      if (!t) {
        t = await issueLocalToken(tokenKey, id, []);
        tokens.set(id, t);
      }
      return t;
    };
    const latencies: Record<string, number[]> = { save: [], submit: [], review: [], approve: [] };
    let errors = 0;
    const call = async (kind: string, method: string, path: string, as: string, body: unknown) => {
      const t = performance.now();
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${await token(as)}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await res.arrayBuffer();
      latencies[kind]?.push(performance.now() - t);
      if (res.status >= 400 && res.status !== 409) errors++;
    };
    const queue = org.employees.filter((e) => e.reviewerId && e.approverId);
    const steps = (e: { id: string; reviewerId: string; approverId: string }) => {
      const base = `/v1/evaluations/${e.id}/${org.period}`;
      return [
        {
          kind: 'save',
          method: 'PUT',
          path: `${base}/self-assessment`,
          as: e.id,
          body: { scores: { discipline: 18, duties: 60, bonus: 2 } },
        },
        { kind: 'submit', method: 'POST', path: `${base}/submit`, as: e.id, body: {} },
        {
          kind: 'review',
          method: 'POST',
          path: `${base}/review`,
          as: e.reviewerId,
          body: { scores: { discipline: 18, duties: 58, bonus: 1 } },
        },
        { kind: 'approve', method: 'POST', path: `${base}/approve`, as: e.approverId, body: {} },
      ];
    };

    // One employee alone: what each step asks of DynamoDB.
    const probed = queue.pop();
    if (!probed) throw new Error('no staff to probe');
    const sent: { command: string; start: number; end: number }[] = [];
    db.client.middlewareStack.add(
      ((next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => async (a: unknown) => {
        const entry = {
          command: String(ctx.commandName).replace(/Command$/, ''),
          start: performance.now(),
          end: 0,
        };
        sent.push(entry);
        try {
          return await next(a);
        } finally {
          entry.end = performance.now();
        }
      }) as never,
      { step: 'initialize', name: 'benchProbe' },
    );
    const perStep: string[] = [];
    for (const step of steps(probed)) {
      sent.length = 0;
      await call(step.kind, step.method, step.path, step.as, step.body);
      const commands = new Map<string, number>();
      for (const r of sent) commands.set(r.command, (commands.get(r.command) ?? 0) + 1);
      perStep.push(
        `| ${step.kind} | ${sent.length} | ${roundTrips(sent)} | ${[...commands].map(([c, n]) => `${n} ${c}`).join(', ')} |`,
      );
    }
    db.client.middlewareStack.remove('benchProbe');
    for (const xs of Object.values(latencies)) xs.length = 0;

    const cpuBefore = process.cpuUsage();
    const engineCpuBefore = cpuMsOf(engine.pid);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let e = queue.shift(); e; e = queue.shift()) {
          for (const step of steps(e)) await call(step.kind, step.method, step.path, step.as, step.body);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const engineCpuAfter = cpuMsOf(engine.pid);
    await server.close();
    const all = Object.values(latencies).flat();
    console.log(
      '\n### Handler stack overhead (in process, against the same use case called bare; median of',
      rounds,
      'interleaved runs)\n',
    );
    console.log('| route | DynamoDB calls | bare (ms) | full handler (ms) | overhead |');
    console.log('|---|---|---|---|---|');
    for (const line of overhead) console.log(line);
    console.log(`\n### Deadline-day mix over HTTP: ${clients} concurrent clients, ${all.length} requests\n`);
    console.log(`throughput ${(all.length / seconds).toFixed(0)} requests/s, errors ${errors}`);
    const engineCpu =
      engineCpuBefore !== null && engineCpuAfter !== null
        ? `${((engineCpuAfter - engineCpuBefore) / all.length).toFixed(2)}`
        : 'n/a';
    console.log(
      `CPU per request: ${((cpu.user + cpu.system) / 1000 / all.length).toFixed(2)} ms this process (clients and server), ${engineCpu} ms DynamoDB Local`,
    );
    console.log('\n| step (one employee alone) | DynamoDB requests | round trips | requests |');
    console.log('|---|---|---|---|');
    for (const line of perStep) console.log(line);
    console.log('');
    console.log('| request | p50 (ms) | p99 (ms) |');
    console.log('|---|---|---|');
    for (const [kind, xs] of Object.entries(latencies))
      console.log(`| ${kind} | ${percentile(xs, 50).toFixed(1)} | ${percentile(xs, 99).toFixed(1)} |`);
    console.log(`| all | ${percentile(all, 50).toFixed(1)} | ${percentile(all, 99).toFixed(1)} |`);
    lastMix.errors = errors;
    lastMix.p99 = {
      ...Object.fromEntries(Object.entries(latencies).map(([kind, xs]) => [kind, percentile(xs, 99)])),
      all: percentile(all, 99),
    };
    db.client.destroy();
  } finally {
    await engine.stop();
  }
}
