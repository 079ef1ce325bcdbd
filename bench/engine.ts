/**
 * `npm run bench -- engine [--ops 2000] [--in-flight 10] [--rounds 3]`: what each kind of DynamoDB request costs
 * DynamoDB Local (its Java process's CPU) and this process (the SDK), per request, as a ratio to a consistent
 * GetItem measured in the same rounds. It is why some targets of the lean data path (BENCHMARKS.md) stop where they
 * do here: a transaction costs DynamoDB Local many GetItems' worth of CPU, and a conditional Put several batched
 * writes' worth, whatever the code around them does. In AWS these are billed in capacity units, not CPU.
 *
 * Items are 0.6 KB (an evaluation is 0.62–0.94 KB); every kind runs `--ops` requests, `--in-flight` at a time,
 * after one unmeasured round; the kinds take turns within each round, and the figure is the median of the rounds.
 */
import { performance } from 'node:perf_hooks';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../functions/local/dynamodb-local.ts';
import { createDb } from '../shared/store/client.ts';
import { createTableIfMissing } from '../shared/store/create-table.ts';
import { cpuMsOf, median, numberArg } from './_common.ts';

export async function run(args: string[]): Promise<void> {
  const ops = Math.ceil(numberArg(args, 'ops', 2000));
  const inFlight = Math.ceil(numberArg(args, 'in-flight', 10));
  const rounds = Math.ceil(numberArg(args, 'rounds', 3));
  const engine = await startDynamoDbLocal({ dataDir: null });
  try {
    const db = createDb({ tableName: 'bench-engine', endpoint: engine.endpoint });
    await createTableIfMissing(db.client, db.tableName);
    const TableName = db.tableName;
    const body = 'x'.repeat(600);
    const existing = 400;
    const at = (i: number) => ({ pk: `EVAL#${i % existing}`, sk: 'P' });
    for (let i = 0; i < existing; i += 25) {
      const items = Array.from({ length: 25 }, (_, j) => ({
        PutRequest: { Item: { ...at(i + j), body, v: 0 } },
      }));
      await db.doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: items } }));
    }
    // New keys for every write that must not find its item there (never reused, across rounds).
    let fresh = 0;
    const bump = (i: number) => ({
      Update: {
        TableName,
        Key: at(i),
        UpdateExpression: 'SET v = v + :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
      },
    });
    const newItem = (size: number) => ({
      Put: {
        TableName,
        Item: { pk: `NEW#${fresh++}`, sk: 'P', body: 'y'.repeat(size) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    const kinds: { name: string; perRequest: number; send: (i: number) => Promise<unknown> }[] = [
      {
        name: 'GetItem, consistent (the baseline)',
        perRequest: 1,
        send: (i) => db.doc.send(new GetCommand({ TableName, Key: at(i), ConsistentRead: true })),
      },
      {
        name: 'BatchGetItem of 2 keys, consistent',
        perRequest: 1,
        send: (i) =>
          db.doc.send(
            new BatchGetCommand({
              RequestItems: { [TableName]: { Keys: [at(i), at(i + 1)], ConsistentRead: true } },
            }),
          ),
      },
      {
        name: 'PutItem',
        perRequest: 1,
        send: () => db.doc.send(new PutCommand({ TableName, Item: { pk: `NEW#${fresh++}`, sk: 'P', body } })),
      },
      {
        name: 'PutItem only if absent (a draft)',
        perRequest: 1,
        send: () => db.doc.send(new PutCommand(newItem(600).Put)),
      },
      {
        name: 'UpdateItem, conditional',
        perRequest: 1,
        send: (i) => db.doc.send(new UpdateCommand(bump(i).Update)),
      },
      {
        name: 'BatchWriteItem of 25 puts, per item',
        perRequest: 25,
        send: () =>
          db.doc.send(
            new BatchWriteCommand({
              RequestItems: {
                [TableName]: Array.from({ length: 25 }, () => ({
                  PutRequest: { Item: { pk: `NEW#${fresh++}`, sk: 'P', body } },
                })),
              },
            }),
          ),
      },
      {
        name: 'TransactWriteItems of 2 (a save: evaluation, event)',
        perRequest: 1,
        send: (i) => db.doc.send(new TransactWriteCommand({ TransactItems: [bump(i), newItem(250)] })),
      },
      {
        name: 'TransactWriteItems of 4 (a submit with a key: + counters, receipt)',
        perRequest: 1,
        send: (i) =>
          db.doc.send(
            new TransactWriteCommand({
              TransactItems: [
                bump(i),
                newItem(250),
                newItem(500),
                {
                  Update: {
                    TableName,
                    Key: { pk: `UNIT#${i % 50}`, sk: 'COUNTERS' },
                    UpdateExpression: 'ADD submitted :one',
                    ExpressionAttributeValues: { ':one': 1 },
                  },
                },
              ],
            }),
          ),
      },
    ];
    const measure = async (send: (i: number) => Promise<unknown>) => {
      const engineBefore = cpuMsOf(engine.pid);
      const nodeBefore = process.cpuUsage();
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < ops) await send(next++);
        }),
      );
      const wall = performance.now() - started;
      const node = process.cpuUsage(nodeBefore);
      const engineAfter = cpuMsOf(engine.pid);
      return {
        engine:
          engineBefore === null || engineAfter === null ? Number.NaN : (engineAfter - engineBefore) / ops,
        node: (node.user + node.system) / 1000 / ops,
        wall: wall / ops,
      };
    };
    const figures = new Map(
      kinds.map((k) => [k.name, { engine: [] as number[], node: [] as number[], wall: [] as number[] }]),
    );
    for (let round = 0; round <= rounds; round++) {
      for (const kind of kinds) {
        const m = await measure(kind.send);
        if (round === 0) continue; // warm-up: both JITs, DynamoDB Local's caches
        const f = figures.get(kind.name);
        f?.engine.push(m.engine / kind.perRequest);
        f?.node.push(m.node / kind.perRequest);
        f?.wall.push(m.wall / kind.perRequest);
      }
    }
    const baseline = median(figures.get(kinds[0]?.name ?? '')?.engine ?? []);
    console.log(
      `\n### DynamoDB Local, per request (${ops} requests of each kind, ${inFlight} in flight, median of ${rounds} rounds)\n`,
    );
    console.log('| request | DynamoDB Local CPU (ms) | ÷ GetItem | this process CPU (ms) | wall (ms) |');
    console.log('|---|---:|---:|---:|---:|');
    for (const kind of kinds) {
      const f = figures.get(kind.name);
      if (!f) continue;
      const engineMs = median(f.engine);
      console.log(
        `| ${kind.name} | ${engineMs.toFixed(2)} | ${(engineMs / baseline).toFixed(1)}× | ${median(f.node).toFixed(2)} | ${median(f.wall).toFixed(2)} |`,
      );
    }
  } finally {
    await engine.stop();
  }
}
