/**
 * What a transition costs in DynamoDB requests, over HTTP on DynamoDB Local (issue #15: the deadline-day mix): the
 * evaluation is read once (by the authorization, whose read the transition decides on), the period record beside
 * it rather than after it, and the acting heads only where acting in the head's place can matter — while a
 * stranger still gets 404, a party without the role 403, and an acting head's approval stays audited as such.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../../shared/store/keys.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';

let api: TestApi;
let period: string;

/** Each DynamoDB request of the server, in order: its command, its key (or a query's partition), start and end. */
interface Sent {
  command: string;
  pk: string;
  sk: string;
  started: number;
  ended: number;
}
const sent: Sent[] = [];
let clock = 0;

beforeAll(async () => {
  api = await startTestApi({ label: 'transition-reads' });
  period = api.seeded?.period ?? '';
  api.db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = (args as { input: Record<string, unknown> }).input;
      // Marshalled or not, depending on where the document client's own middleware stands.
      const text = (value: unknown) =>
        typeof value === 'string' ? value : ((value as { S?: string } | undefined)?.S ?? '');
      const key = input.Key as Record<string, unknown> | undefined;
      const values = input.ExpressionAttributeValues as Record<string, unknown> | undefined;
      const entry: Sent = {
        command: String(context.commandName),
        pk: text(key?.pk ?? values?.[':pk']),
        sk: text(key?.sk),
        started: clock++,
        ended: -1,
      };
      sent.push(entry);
      try {
        return await next(args);
      } finally {
        entry.ended = clock++;
      }
    },
    { step: 'initialize', name: 'transitionReadsProbe' },
  );
});
afterAll(async () => api?.close());

/** The requests one API call makes. */
async function requestsOf(
  method: string,
  path: string,
  as: string,
  body: unknown,
): Promise<{ status: number; text: string; sent: Sent[] }> {
  sent.length = 0;
  const answer = await api.call(method, path, { as, body });
  return { status: answer.status, text: answer.text, sent: [...sent] };
}

const isKey = (s: Sent, key: { pk: string; sk: string }) => s.pk === key.pk && s.sk === key.sk;
const delegationsOf = (unitId: string) => keys.unitDelegations(unitId).pk;

describe('a transition reads what it needs once', () => {
  it('save, submit and review: one read of the evaluation, the period beside it, no acting heads, one write', async () => {
    const base = `/v1/evaluations/stc-ns-03/${period}`;
    const steps = [
      {
        path: `${base}/self-assessment`,
        method: 'PUT',
        as: 'stc-ns-03',
        body: { scores: { discipline: 18, duties: 60, bonus: 2 } },
      },
      { path: `${base}/submit`, method: 'POST', as: 'stc-ns-03', body: {} },
      {
        path: `${base}/review`,
        method: 'POST',
        as: 'stc-ns-pp',
        body: { scores: { discipline: 18, duties: 58, bonus: 1 } },
      },
    ];
    for (const step of steps) {
      const { status, text, sent: requests } = await requestsOf(step.method, step.path, step.as, step.body);
      expect(status, text).toBe(200);
      const evaluationReads = requests.filter((s) => isKey(s, keys.evaluationKey('stc-ns-03', period)));
      const periodReads = requests.filter((s) => isKey(s, keys.periodKey(period)));
      expect(evaluationReads, step.path).toHaveLength(1);
      expect(periodReads, step.path).toHaveLength(1);
      // Beside it: both were sent before either answered.
      const [evaluationRead] = evaluationReads;
      const [periodRead] = periodReads;
      if (!evaluationRead || !periodRead) throw new Error('unreachable');
      expect(periodRead.started).toBeLessThan(evaluationRead.ended);
      expect(evaluationRead.started).toBeLessThan(periodRead.ended);
      expect(
        requests.filter((s) => s.pk === delegationsOf('stc-ns')),
        step.path,
      ).toHaveLength(0);
      expect(requests.filter((s) => s.command === 'TransactWriteItemsCommand')).toHaveLength(1);
    }
  });

  it('approve: one read of the evaluation and one of the period, one write', async () => {
    const {
      status,
      text,
      sent: requests,
    } = await requestsOf('POST', `/v1/evaluations/stc-ns-04/${period}/approve`, 'stc-ns-tp', {});
    expect(status, text).toBe(200);
    expect(requests.filter((s) => isKey(s, keys.evaluationKey('stc-ns-04', period)))).toHaveLength(1);
    expect(requests.filter((s) => isKey(s, keys.periodKey(period)))).toHaveLength(1);
    expect(requests.filter((s) => s.command === 'TransactWriteItemsCommand')).toHaveLength(1);
  });
});

describe('the Idempotency-Key', () => {
  it('a transition does not read its receipt first, and a retry still gets the first answer', async () => {
    const base = `/v1/evaluations/stc-ns-01/${period}`;
    const headers = { 'idempotency-key': 'transition-reads-return-1' };
    sent.length = 0;
    const first = await api.call('POST', `${base}/return`, {
      as: 'stc-ns-tp',
      headers,
      body: { comment: 'Bổ sung số liệu quý IV.' },
    });
    expect(first.status, first.text).toBe(200);
    // The receipt is written with the change, never read before it: a first request pays no read for its key.
    const receipt = keys.idempotency('stc-ns-tp', headers['idempotency-key']);
    expect(sent.filter((s) => s.command !== 'TransactWriteItemsCommand' && isKey(s, receipt))).toEqual([]);
    expect(sent.filter((s) => s.command === 'TransactWriteItemsCommand')).toHaveLength(1);

    const retry = await api.call('POST', `${base}/return`, {
      as: 'stc-ns-tp',
      headers,
      body: { comment: 'Bổ sung số liệu quý IV.' },
    });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    // The same key with another request: 409, and nothing changes.
    const other = await api.call('POST', `${base}/return`, {
      as: 'stc-ns-tp',
      headers,
      body: { comment: 'Một lý do khác.' },
    });
    expect(other.status, other.text).toBe(409);
    expect(other.text).toContain('Idempotency-Key');
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    // Someone else with the same key has no receipt of their own: a stranger still gets 404.
    const stranger = await api.call('POST', `${base}/return`, {
      as: 'stc-gia-01',
      headers,
      body: { comment: 'Bổ sung số liệu quý IV.' },
    });
    expect(stranger.status, stranger.text).toBe(404);
  });
});

describe('acting heads, looked up only where they matter', () => {
  it('a party without the role still gets 403 and a stranger 404; the acting head approves as before', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const named = await api.call('PUT', '/v1/units/stc-ns/acting-heads/stc-ns-01', {
      as: 'stc-ns-tp',
      body: { from, to },
    });
    expect(named.status, named.text).toBe(200);
    const base = `/v1/evaluations/stc-ns-05/${period}`;
    // stc-ns-01 has no part in stc-ns-05's evaluation but as its acting approver: it may see it, not submit it.
    const submit = await api.call('POST', `${base}/submit`, { as: 'stc-ns-01', body: {} });
    expect(submit.status, submit.text).toBe(403);
    const review = await api.call('POST', `${base}/review`, {
      as: 'stc-ns-01',
      body: { scores: { discipline: 18, duties: 58, bonus: 1 } },
    });
    expect(review.status, review.text).toBe(403);
    const stranger = await api.call('POST', `${base}/submit`, { as: 'stc-gia-01', body: {} });
    expect(stranger.status, stranger.text).toBe(404);

    // The reviewer reviews in its own right; the acting head approves in the head's place, audited as such.
    const reviewed = await api.call('POST', `${base}/review`, {
      as: 'stc-ns-pp',
      body: { scores: { discipline: 18, duties: 55, bonus: 0 } },
    });
    expect(reviewed.status, reviewed.text).toBe(200);
    const approved = await api.call('POST', `${base}/approve`, { as: 'stc-ns-01', body: {} });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.flags).toMatchObject({ approvedByActingHead: true });
    const history = await api.call('GET', `${base}/history`, { as: 'stc-ns-05' });
    const steps = history.body.items.map(
      (h: { action: string; actorId: string; onBehalfOf?: string | null }) => ({
        action: h.action,
        actorId: h.actorId,
        onBehalfOf: h.onBehalfOf ?? null,
      }),
    );
    expect(steps.slice(-2)).toEqual([
      { action: 'review', actorId: 'stc-ns-pp', onBehalfOf: null },
      { action: 'approve', actorId: 'stc-ns-01', onBehalfOf: 'stc-ns-tp' },
    ]);
  });
});
