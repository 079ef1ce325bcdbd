/**
 * Idempotency as the use cases see it. A request sent with an `Idempotency-Key` comes with a `ReceiptFor`: given
 * the answer the use case is about to give, it makes the receipt to keep for a retry. A transition writes that
 * receipt in the same transaction as its change, so a retry always replays the first answer, even after a crash
 * between the change and the reply. (Powertools' idempotency utility keeps its record apart from the change and
 * cannot promise this.)
 */
import type { Receipt } from '../store/idempotency-store.ts';

export type ReceiptFor = (answer: unknown) => Receipt;

/** The same Idempotency-Key was answered by a concurrent request: the adapter replays that answer. */
export class DuplicateRequest extends Error {
  constructor() {
    super('a concurrent request with the same Idempotency-Key was answered first');
    this.name = 'DuplicateRequest';
  }
}
