/**
 * `Idempotency-Key` on POST: a retry with the same key and request gets the first answer, for 24 hours; the same
 * key with another request is 409. The answer is kept as a receipt (shared/store/idempotency-store.ts):
 * - a transition writes it in the same transaction as its change (the use case asks `receiptFor` for it), so a
 *   crash between the change and the reply can never make a retry apply the change twice or answer differently.
 *   Its receipt is not read first (`receiptWithChange`): a retry that would change the evaluation again meets the
 *   receipt in its transaction, and one that is refused meets it when its refusal is kept; either way the first
 *   answer is read then and replayed (or 409 if the key came with another request). Only retries pay for the read;
 * - a request whose work is idempotent by itself (open, close, import) gets its receipt once answered;
 * - a refusal (4xx) is an answer too, kept the same way;
 * - a bulk approval keeps one receipt per item, written with that item's approval.
 * Powertools' idempotency utility keeps its record apart from the change, and cannot promise the first point.
 */
import { createHash } from 'node:crypto';
import type middy from '@middy/core';
import { DuplicateRequest } from '../../app/idempotency.ts';
import { AppError, conflict, validationFailed } from '../../domain/errors.ts';
import type { Receipt } from '../../store/idempotency-store.ts';
import type { Store } from '../../store/store.ts';
import { toResult } from '../reply.ts';
import type { HttpContext, HttpEvent, HttpResult, HttpState } from '../state.ts';
import { stateOf } from '../state.ts';
import { knownErrorResult } from './errors.ts';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/** The same key came with another request (its path or body differ): 409. */
const keyReused = () => conflict('Idempotency-Key này đã được dùng cho một yêu cầu khác.');

const replayed = (receipt: Receipt): HttpResult => ({
  ...receipt.response,
  headers: { ...receipt.response.headers, 'idempotent-replayed': 'true' },
});

/**
 * Starts reading the key's receipt as soon as the caller is known, beside the authorization's reads rather than
 * after them (one round trip fewer for every POST the web app sends, each with a key); `idempotency()` awaits it
 * after the authorization, so what a receipt says still reaches only a caller allowed to make the request. A
 * malformed key is not read: `idempotency()` refuses it.
 */
export function receiptLookahead(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, HttpContext> {
  return {
    before: async (request) => {
      const state = stateOf(request.context);
      const key = state.headers['idempotency-key'];
      if (request.event.requestContext.http.method !== 'POST' || key === undefined) return;
      if (!IDEMPOTENCY_KEY.test(key) || !state.caller || state.endpoint.receiptWithChange) return;
      const read = state.caller.store.receipts.get(state.caller.principal.employeeId, key);
      // A refusal before it is awaited must not leave its failure unhandled.
      read.catch(() => undefined);
      state.receiptRead = { key, read };
    },
  };
}

export function idempotency(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, HttpContext> {
  const storeOf = (state: HttpState): Store => {
    if (!state.caller) throw new Error('idempotency before authenticate');
    return state.caller.store;
  };
  const receipt = (state: HttpState, suffix: string, response: HttpResult): Receipt => {
    const principalId = state.caller?.principal.employeeId ?? '';
    const { key, hash } = state.idempotency ?? { key: '', hash: '' };
    return {
      principalId,
      key: `${key}${suffix}`,
      requestHash: hash,
      response: { statusCode: response.statusCode, headers: response.headers, body: response.body },
      at: new Date().toISOString(),
    };
  };
  /**
   * Keeps an answer as the key's receipt unless one is there (written with the change, or by a concurrent retry):
   * then that first answer is the one to give (or 409 if it answered another request with the same key).
   */
  const keep = async (state: HttpState, response: HttpResult): Promise<HttpResult> => {
    if (!state.idempotency || response.statusCode >= 500) return response;
    if ((await storeOf(state).receipts.put(receipt(state, '', response))) === 'written') return response;
    return (await firstAnswer(state)) ?? response;
  };
  /** The key's receipt (read consistently) as the answer to give: replayed, or 409 if it was another request's. */
  const firstAnswer = async (state: HttpState): Promise<HttpResult | null> => {
    const claim = state.idempotency;
    if (!claim) return null;
    const first = await storeOf(state).receipts.get(state.caller?.principal.employeeId ?? '', claim.key);
    if (!first) return null;
    if (first.requestHash !== claim.hash) return knownErrorResult(keyReused()) as HttpResult;
    return replayed(first);
  };

  return {
    before: async (request) => {
      const state = stateOf(request.context);
      const key = state.headers['idempotency-key'];
      if (request.event.requestContext.http.method !== 'POST' || key === undefined) return;
      if (!IDEMPOTENCY_KEY.test(key)) {
        throw validationFailed([
          { path: 'headers.idempotency-key', message: 'Idempotency-Key gồm 1–128 ký tự [A-Za-z0-9._:-].' },
        ]);
      }
      const hash = createHash('sha256')
        .update(`${request.event.routeKey}\n${request.event.rawPath}\n${request.event.body ?? ''}`)
        .digest('base64url');
      // A transition's receipt is met by its write or its refusal instead (see the header).
      const earlier = state.endpoint.receiptWithChange
        ? null
        : await (state.receiptRead?.key === key
            ? state.receiptRead.read
            : storeOf(state).receipts.get(state.caller?.principal.employeeId ?? '', key));
      if (earlier) {
        if (earlier.requestHash !== hash) throw keyReused();
        return replayed(earlier);
      }
      const claim = { key, hash, writtenWithChange: false };
      state.idempotency = claim;
      state.receiptFor = (answer) => {
        claim.writtenWithChange = true;
        return receipt(state, '', toResult({ body: answer }));
      };
      state.itemReceipts = {
        replay: async (itemId) => {
          const item = await storeOf(state).receipts.get(
            state.caller?.principal.employeeId ?? '',
            `${key}#${itemId}`,
          );
          return item && item.requestHash === hash
            ? { statusCode: item.response.statusCode, body: JSON.parse(item.response.body) as unknown }
            : null;
        },
        receiptFor: (itemId) => (answer) => receipt(state, `#${itemId}`, toResult({ body: answer })),
        keep: async (itemId, statusCode, body) => {
          await storeOf(state).receipts.put(
            receipt(state, `#${itemId}`, toResult({ status: statusCode, body })),
          );
        },
      };
    },
    after: async (request) => {
      const state = stateOf(request.context);
      // A transition's answer was written with its change; any other is kept now, unless a retry got there first.
      if (request.response && !state.idempotency?.writtenWithChange)
        request.response = await keep(state, request.response);
    },
    onError: async (request) => {
      const state = request.context.http;
      if (!state?.idempotency) return;
      if (request.error instanceof DuplicateRequest) {
        // The key's receipt was there when the change was written (the request answered before, or a concurrent
        // one with the same key): that first answer is this one's.
        request.response =
          (await firstAnswer(state)) ??
          (knownErrorResult(
            conflict('Yêu cầu này đang được xử lý; hãy thử lại sau giây lát.'),
          ) as HttpResult);
        return;
      }
      // A refusal is an answer: a retry must get the same one, and a retry refused now (the change it asked for was
      // made by the first) gets the first answer. Anything else leaves the key free for a retry.
      const refusal = request.error instanceof AppError ? knownErrorResult(request.error) : null;
      if (refusal && refusal.statusCode < 500) {
        const answer = await keep(state, refusal);
        if (answer !== refusal) request.response = answer;
      }
    },
  };
}
