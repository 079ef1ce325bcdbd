/**
 * The capacity meter of the benchmarks: every data request asks for ReturnConsumedCapacity=TOTAL; reads are
 * counted as DynamoDB Local reports them. Writes are worked out here, from the item images before and after each
 * write (read on a second, unmetered client), because DynamoDB Local gets transactions of more than two items
 * wrong (it reports a constant) and says nothing per index.
 *
 * How AWS bills a write (what this follows):
 * - the table: the larger of the item's sizes before and after, in 1 KB steps (at least one unit); a transaction
 *   bills it twice (prepare and commit); a ConditionCheck is billed like a write of the item it reads;
 * - each global secondary index whose entry the write creates, changes or removes: the entry's size (the keys only
 *   for a KEYS_ONLY index, the whole item for ALL) in 1 KB steps; an entry whose keys change is a delete and a put;
 *   an entry that stays as it was (same keys, same projected attributes) costs nothing;
 * - index writes caused by a transaction are billed once, like any index write: the doubling applies to the table
 *   arm only. Source: the dynoxide emulator's fix "report per-index ConsumedCapacity on transactional and PartiQL
 *   writes" (github.com/nubo-db/dynoxide pull 188, checked against real DynamoDB: "the transactional 2x factor
 *   applies to the base table arm alone. An index arm inside a transaction costs what the same write costs
 *   outside one"); AWS's own pages say transactional writes are two underlying writes of each item, and index
 *   propagation is not part of the transaction (indexes are eventually consistent).
 * A write refused by its condition is not counted (a cancelled transaction bills nothing; a refused single write
 * bills a unit in AWS, rare in these runs).
 */
import { type AttributeValue, BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { createDb, type Db } from '../shared/store/client.ts';
import { tableDefinition } from '../shared/store/table-definition.ts';

export interface Meter {
  read: number;
  write: number;
  requests: number;
}
export const emptyMeter = (): Meter => ({ read: 0, write: 0, requests: 0 });

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);
const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

type Item = Record<string, unknown>;
type Raw = Record<string, AttributeValue>;

/** DynamoDB's item size: attribute names plus values (numbers about one byte per two digits). */
export function itemBytes(value: unknown, isTop = true): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number')
    return Math.ceil(String(Math.abs(value)).replace(/[.-]/g, '').length / 2) + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((s: number, v) => s + itemBytes(v, false), 0);
  if (Array.isArray(value)) return 3 + value.reduce((s: number, v) => s + 1 + itemBytes(v, false), 0);
  const entries = Object.entries(value as Item).filter(([, v]) => v !== undefined);
  const inner = entries.reduce((s, [k, v]) => s + Buffer.byteLength(k) + itemBytes(v, false), 0);
  return isTop ? inner : 3 + inner + entries.length;
}

const kb = (item: Item | null) => (item ? Math.max(1, Math.ceil(itemBytes(item) / 1024)) : 0);

const isRaw = (o: Record<string, unknown>) =>
  Object.values(o).every(
    (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1,
  );
const native = (o: Record<string, unknown>): Item => (isRaw(o) ? unmarshall(o as Raw) : o);

/** An item's entry in an index (null: not in it), as the index stores it. */
function indexEntry(
  item: Item | null,
  gsi: (typeof tableDefinition.globalSecondaryIndexes)[number],
): Item | null {
  if (!item || item[gsi.partitionKey] === undefined || item[gsi.sortKey] === undefined) return null;
  if (gsi.projection === 'ALL') return item;
  return {
    pk: item.pk,
    sk: item.sk,
    [gsi.partitionKey]: item[gsi.partitionKey],
    [gsi.sortKey]: item[gsi.sortKey],
  };
}

const same = (a: Item, b: Item) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
const sorted = (v: unknown): unknown =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(
        Object.keys(v as Item)
          .sort()
          .map((k) => [k, sorted((v as Item)[k])]),
      )
    : Array.isArray(v)
      ? v.map(sorted)
      : v;

/** Write units of one item's change: the table arm (×`tableFactor`) and every index arm once. */
export function writeUnits(before: Item | null, after: Item | null, tableFactor: number): number {
  let units = Math.max(kb(before), kb(after), 1) * tableFactor;
  for (const gsi of tableDefinition.globalSecondaryIndexes) {
    const was = indexEntry(before, gsi);
    const is = indexEntry(after, gsi);
    if (!was && !is) continue;
    if (!was || !is) units += kb(was ?? is);
    else if (was[gsi.partitionKey] !== is[gsi.partitionKey] || was[gsi.sortKey] !== is[gsi.sortKey])
      units += kb(was) + kb(is);
    else if (!same(was, is)) units += Math.max(kb(was), kb(is));
  }
  return units;
}

interface Touched {
  key: Item;
  check: boolean;
}

/** The keys a write request touches (a ConditionCheck only reads its item). */
function touchedBy(command: string, input: Item): Touched[] {
  const keyOf = (o: Record<string, unknown>) => {
    const n = native(o);
    return { pk: n.pk, sk: n.sk };
  };
  if (command === 'TransactWriteItemsCommand') {
    return ((input.TransactItems ?? []) as Record<string, { Item?: Item; Key?: Item }>[]).map((t) => {
      const [kind, op] = Object.entries(t)[0] ?? ['', {}];
      return { key: keyOf((op.Item ?? op.Key ?? {}) as Item), check: kind === 'ConditionCheck' };
    });
  }
  if (command === 'BatchWriteItemCommand') {
    return Object.values(
      (input.RequestItems ?? {}) as Record<string, Record<string, { Item?: Item; Key?: Item }>[]>,
    )
      .flat()
      .map((r) => {
        const op = r.PutRequest ?? r.DeleteRequest ?? {};
        return { key: keyOf((op.Item ?? op.Key ?? {}) as Item), check: false };
      });
  }
  return [{ key: keyOf((input.Item ?? input.Key ?? {}) as Item), check: false }];
}

/** Attaches the meter to a Db: `current` sums every data request's units from then on. */
export function attachMeter(db: Db, endpoint: string): { current: Meter; precise: boolean } {
  /**
   * `precise` false: writes are not metered (no image reads), for phases timed rather than metered: reading the
   * images doubles a write's round trips and would slow the timed work.
   */
  const state = { current: emptyMeter(), precise: true };
  const shadow = createDb({ tableName: db.tableName, endpoint });
  const images = async (keys: Item[]): Promise<Map<string, Item>> => {
    const found = new Map<string, Item>();
    const unique = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
    for (let i = 0; i < unique.length; i += 100) {
      let request: Record<string, { Keys: Raw[]; ConsistentRead: boolean }> | undefined = {
        [db.tableName]: { Keys: unique.slice(i, i + 100).map((k) => marshall(k)), ConsistentRead: true },
      };
      while (request && Object.keys(request).length > 0) {
        const out = await shadow.client.send(new BatchGetItemCommand({ RequestItems: request }));
        for (const raw of out.Responses?.[db.tableName] ?? []) {
          const item = unmarshall(raw);
          found.set(`${item.pk}\u0000${item.sk}`, item);
        }
        request = out.UnprocessedKeys as typeof request;
      }
    }
    return found;
  };
  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? '');
      const input = args.input as Item;
      if (READS.has(command) || command === 'TransactGetItemsCommand') {
        input.ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        const list = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as {
          CapacityUnits?: number;
        }[];
        const units =
          list.reduce((s, c) => s + (c.CapacityUnits ?? 0), 0) *
          (command === 'TransactGetItemsCommand' ? 2 : 1);
        state.current.read += units;
        // METER_TRACE=1: every read with its units and what it asked for (to see where a request's reads go).
        if (process.env.METER_TRACE)
          process.stderr.write(
            `  read ${command} ${units} ${JSON.stringify(input.Key ?? input.ExpressionAttributeValues ?? Object.keys((input.RequestItems as Item) ?? {}))}\n`,
          );
        state.current.requests++;
        return result;
      }
      if (!WRITES.has(command)) return next(args);
      if (!state.precise) {
        state.current.requests++;
        return next(args);
      }
      const touched = touchedBy(command, input);
      const before = await images(touched.map((t) => t.key));
      const result = await next(args);
      const after = await images(touched.map((t) => t.key));
      // A BatchWriteItem may hand items back unprocessed: those are counted when they are sent again.
      const unprocessed = new Set(
        Object.values(
          ((result.output as unknown as Item).UnprocessedItems ?? {}) as Record<
            string,
            Record<string, { Item?: Item; Key?: Item }>[]
          >,
        )
          .flat()
          .map((r) => {
            const n = native((r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {}) as Item);
            return `${n.pk}\u0000${n.sk}`;
          }),
      );
      const factor = command === 'TransactWriteItemsCommand' ? 2 : 1;
      for (const t of touched) {
        const id = `${t.key.pk}\u0000${t.key.sk}`;
        if (unprocessed.has(id)) continue;
        const was = before.get(id) ?? null;
        const units = t.check ? kb(was) * factor || factor : writeUnits(was, after.get(id) ?? null, factor);
        state.current.write += units;
        // METER_TRACE=1: every item written, with its size after the write and the units it cost.
        if (process.env.METER_TRACE)
          process.stderr.write(
            `  write ${command} ${units} ${id.replace('\u0000', ' ')} ${itemBytes(after.get(id) ?? {})} B\n`,
          );
      }
      state.current.requests++;
      return result;
    },
    { step: 'initialize', name: 'benchCapacityMeter' },
  );
  return state;
}
