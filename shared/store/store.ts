/**
 * The store: every read and write of the system's data, behind functions named for the access pattern. Use
 * cases and jobs receive a `Store` and never see DynamoDB; `createDynamoStore` is the real one (DynamoDB Local
 * or AWS), and the unit tests run the use cases on an in-memory store with the same contract
 * (test/support/memory-store.ts), checked against this one by the store contract tests.
 */
import { attachmentStore } from './attachment-store.ts';
import { bulkStore } from './bulk-store.ts';
import { createDb, type Db, type DbOptions } from './client.ts';
import { evaluationStore } from './evaluation-store.ts';
import { idempotencyStore } from './idempotency-store.ts';
import { mailStore, notificationStore } from './notification-store.ts';
import { orgStore } from './org-store.ts';
import { outboxStore } from './outbox-store.ts';
import { periodStore } from './period-store.ts';
import { productStore } from './product-store.ts';
import { rankingStore } from './ranking-store.ts';
import { rubricStore } from './rubric-store.ts';
import { runStore } from './run-store.ts';

export function createDynamoStore(db: Db) {
  return {
    org: orgStore(db),
    periods: periodStore(db),
    evaluations: evaluationStore(db),
    rubrics: rubricStore(db),
    rankings: rankingStore(db),
    receipts: idempotencyStore(db),
    runs: runStore(db),
    outbox: outboxStore(db),
    bulk: bulkStore(db),
    products: productStore(db),
    attachments: attachmentStore(db),
    notifications: notificationStore(db),
    mail: mailStore(db),
  };
}

export type Store = ReturnType<typeof createDynamoStore>;

let processStore: Store | undefined;

/** The process-wide store: once per Lambda cold start, from the configuration. */
export function store(options: DbOptions): Store {
  processStore ??= createDynamoStore(createDb(options));
  return processStore;
}

/** For the local server and tests, which choose the table at run time. */
export function setStore(next: Store): void {
  processStore = next;
}

export function currentStore(): Store | undefined {
  return processStore;
}
