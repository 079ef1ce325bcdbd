/**
 * A burst of real writes against a running local server: each worker takes an evaluation and moves it as far as
 * it goes (save the self-assessment, submit, review, approve), as its employee, reviewer and approver would,
 * POSTs with an Idempotency-Key. Every 2xx is an acknowledged write, remembered with the version and status it
 * reported, so that a test can look for it after a crash. Every request ends in one of: an HTTP answer, a refused
 * connection (never accepted), or a connection lost after it was sent (unanswered).
 */
import { randomUUID } from 'node:crypto';
import type { StoredEvaluation } from '../../shared/store/entities.ts';

export interface Ack {
  employeeId: string;
  period: string;
  version: number;
  status: string;
  step: Step;
  /** When the answer arrived (Date.now()). */
  at: number;
}

type Step = 'save' | 'submit' | 'review' | 'approve';

export interface Chain {
  employeeId: string;
  period: string;
  reviewerId: string;
  approverId: string;
  status: string;
  saved: boolean;
}

export interface BurstResult {
  sent: number;
  acks: Ack[];
  /** HTTP status → how many answers. */
  statuses: Record<number, number>;
  /** Connections refused: the request never reached the server. */
  refused: number;
  /** Requests sent whose connection ended without an answer. */
  unanswered: { step: Step; employeeId: string; error: string }[];
}

/** The evaluations a burst can move, in the state the table shows. */
export function chainsFrom(evaluations: StoredEvaluation[]): Chain[] {
  return (
    evaluations
      .filter((e) => ['DRAFT', 'SUBMITTED', 'REVIEWED'].includes(e.status))
      // A role as reviewer or approver (`hr@<unit>`, a collective body: heads of top-level units) is no person a
      // token can be had for: the burst leaves those evaluations alone.
      .filter((e) => !e.reviewerId.includes('@') && !e.approverId.includes('@'))
      .map((e) => ({
        employeeId: e.employeeId,
        period: e.period,
        reviewerId: e.reviewerId,
        approverId: e.approverId,
        status: e.status,
        saved: e.selfAssessment !== null,
      }))
      .sort((a, b) => a.employeeId.localeCompare(b.employeeId))
  );
}

function nextStep(chain: Chain): Step | null {
  if (chain.status === 'DRAFT') return chain.saved ? 'submit' : 'save';
  if (chain.status === 'SUBMITTED') return 'review';
  if (chain.status === 'REVIEWED') return 'approve';
  return null;
}

/** Mostly B (80 points); every fifth an A (92), so that the A quota's guard is exercised too. */
function scores(employeeId: string) {
  const high = [...employeeId].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 5 === 0;
  return high ? { discipline: 19, duties: 68, bonus: 5 } : { discipline: 18, duties: 60, bonus: 2 };
}

/** A request as sent, enough to send it again with the same Idempotency-Key. */
export interface SentRequest {
  as: string;
  method: string;
  path: string;
  body: unknown;
  idempotencyKey: string | null;
}

export class WriteBurst {
  readonly result: BurstResult = { sent: 0, acks: [], statuses: {}, refused: 0, unanswered: [] };
  private stopped = false;
  private running = 0;
  private readonly requestsInFlight = new Set<SentRequest>();
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly url: string,
    private readonly tokenFor: (employeeId: string) => Promise<string>,
  ) {}

  /** No request is started after this; those under way finish. */
  stop(): void {
    this.stopped = true;
  }

  /** Requests sent and not yet ended. */
  inFlight(): number {
    return this.running;
  }

  /** The requests sent and not yet answered: what a client would retry after losing its connection. */
  requestsNotAnswered(): SentRequest[] {
    return [...this.requestsInFlight];
  }

  /**
   * Moves the chains with `concurrency` workers until all are done or stopped. With `retryUnavailable`, a 503
   * is retried after a pause (the engine is coming back); otherwise it ends the chain, as any other refusal.
   */
  async run(
    chains: Chain[],
    options: { concurrency: number; retryUnavailable: boolean },
  ): Promise<BurstResult> {
    // Every token first: a token fetched mid-burst would be one more request to lose in a fault.
    const principals = new Set(chains.flatMap((c) => [c.employeeId, c.reviewerId, c.approverId]));
    for (const principal of principals) this.tokens.set(principal, await this.tokenFor(principal));
    const queue = [...chains];
    const worker = async () => {
      for (let chain = queue.shift(); chain && !this.stopped; chain = queue.shift()) {
        await this.advance(chain, options.retryUnavailable);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    return this.result;
  }

  private async advance(chain: Chain, retryUnavailable: boolean): Promise<void> {
    for (let step = nextStep(chain); step && !this.stopped; step = nextStep(chain)) {
      const outcome = await this.send(chain, step);
      if (outcome === 'ok') continue;
      if (outcome === 503 && retryUnavailable) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      return;
    }
  }

  private async send(chain: Chain, step: Step): Promise<'ok' | number | 'lost'> {
    const path = `/v1/evaluations/${chain.employeeId}/${chain.period}`;
    const request = {
      save: {
        as: chain.employeeId,
        method: 'PUT',
        path: `${path}/self-assessment`,
        body: { scores: scores(chain.employeeId), comment: 'Hoàn thành nhiệm vụ.' },
      },
      submit: { as: chain.employeeId, method: 'POST', path: `${path}/submit`, body: {} },
      review: {
        as: chain.reviewerId,
        method: 'POST',
        path: `${path}/review`,
        body: { scores: scores(chain.employeeId), comment: 'Đạt yêu cầu.' },
      },
      approve: { as: chain.approverId, method: 'POST', path: `${path}/approve`, body: {} },
    }[step];
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.tokens.get(request.as) ?? ''}`,
      'content-type': 'application/json',
    };
    const sent: SentRequest = {
      ...request,
      idempotencyKey: request.method === 'POST' ? randomUUID() : null,
    };
    if (sent.idempotencyKey) headers['idempotency-key'] = sent.idempotencyKey;
    this.requestsInFlight.add(sent);
    this.result.sent++;
    this.running++;
    let lost = false;
    try {
      const res = await fetch(`${this.url}${request.path}`, {
        method: request.method,
        headers,
        body: JSON.stringify(request.body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      this.result.statuses[res.status] = (this.result.statuses[res.status] ?? 0) + 1;
      if (!res.ok) return res.status;
      const body = JSON.parse(text) as { version: number; status: string; selfAssessment: unknown };
      this.result.acks.push({
        employeeId: chain.employeeId,
        period: chain.period,
        version: body.version,
        status: body.status,
        step,
        at: Date.now(),
      });
      chain.status = body.status;
      chain.saved = body.selfAssessment !== null;
      return 'ok';
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      if (cause?.code === 'ECONNREFUSED') this.result.refused++;
      else {
        lost = true;
        this.result.unanswered.push({
          step,
          employeeId: chain.employeeId,
          error: `${cause?.code ?? ''} ${cause?.message ?? String(error)}`.trim(),
        });
      }
      return 'lost';
    } finally {
      this.running--;
      // A request whose connection was lost stays: its client would retry it.
      if (!lost) this.requestsInFlight.delete(sent);
    }
  }
}

/** The acknowledged writes that the table no longer shows: the evaluation is behind, or that version is not its. */
export function lostAcks(
  acks: Ack[],
  evaluations: StoredEvaluation[],
  history: { employeeId: string; period: string; version: number; toStatus: string }[],
): Ack[] {
  const current = new Map(evaluations.map((e) => [`${e.employeeId}/${e.period}`, e.version]));
  const events = new Map(history.map((h) => [`${h.employeeId}/${h.period}/${h.version}`, h.toStatus]));
  return acks.filter(
    (a) =>
      (current.get(`${a.employeeId}/${a.period}`) ?? 0) < a.version ||
      events.get(`${a.employeeId}/${a.period}/${a.version}`) !== a.status,
  );
}
