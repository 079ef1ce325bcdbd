/**
 * Counts the DynamoDB requests a process makes through one client (the server of a test API shares the test's
 * client): to measure what an HTTP request costs and to hold the look-ups it promises (one BatchGetItem, …).
 */
import type { Db } from '../../shared/store/client.ts';

export interface DbCalls {
  /** Forgets what was counted so far. */
  reset(): void;
  /** The command names (`GetItemCommand`, `BatchGetItemCommand`, …) since the last reset, in order. */
  readonly names: string[];
  count(name: string): number;
}

const installed = new WeakMap<Db, DbCalls>();

export function dbCalls(db: Db): DbCalls {
  const known = installed.get(db);
  if (known) return known;
  const names: string[] = [];
  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      names.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countCallsForTests' },
  );
  const calls: DbCalls = {
    reset: () => {
      names.length = 0;
    },
    names,
    count: (name) => names.filter((n) => n === name).length,
  };
  installed.set(db, calls);
  return calls;
}
