/**
 * The employee page's month in the same answer as `/v1/me` (`GET /v1/me?include=current`): when the app starts on
 * the employee page it asks for both at once, and the page takes the month from there instead of asking for the
 * evaluation, its history and its rubric after `/v1/me` has answered (one round trip instead of three on a first
 * visit). The answer is taken once: a later load of the page (after a save) reads the month on its own.
 */
import { type Api, ApiError } from '../api/client.ts';
import type { Evaluation, HistoryItem, Me, Rubric } from '../api/types.ts';
import { ownDefaultPeriod } from '../context.ts';
import { periodOf } from './format.ts';

export interface CurrentMonth {
  period: string;
  evaluation: Evaluation | null;
  rubric: Rubric | null;
  history: HistoryItem[];
}

type MeWithCurrent = Me & { current?: CurrentMonth };

const EMPLOYEE_PAGE = /^\/danh-gia(?:\/(\d{4}-(?:\d{2}|Q[1-4])))?$/;

let primed: Promise<CurrentMonth | null> | null = null;

/**
 * `/v1/me`, with the month of the employee page when the app starts on it (`path`). The month waits for the page
 * (takeCurrentMonth); what is returned is `/v1/me` as every page knows it. Without a period in the path, the one
 * the page will show is worked out from the `/v1/me` of the last visit when there is one (else the API's choice).
 */
export function loadMe(api: Api, path: string | null, lastMe: Me | null): Promise<Me> {
  const page = path === null ? null : EMPLOYEE_PAGE.exec(path);
  if (!page) return api.get<Me>('/v1/me');
  const query = new URLSearchParams({ include: 'current' });
  const period = page[1] ?? (lastMe ? ownDefaultPeriod(lastMe, periodOf(new Date())) : null);
  if (period) query.set('period', period);
  const answer = api.get<MeWithCurrent>(`/v1/me?${query.toString()}`);
  primed = answer.then(
    (me) => me.current ?? null,
    () => null,
  );
  return answer.then(
    ({ current: _, ...me }) => me as Me,
    // A period the API refuses (a typed address such as /danh-gia/1999-01): /v1/me alone, the page says the rest.
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 400) return api.get<Me>('/v1/me');
      throw error;
    },
  );
}

/**
 * The month `/v1/me` brought for this period, once; null when none was asked for, it failed, or it is another
 * period (then the page reads the month itself).
 */
export function takeCurrentMonth(period: string): Promise<CurrentMonth | null> | null {
  const waiting = primed;
  primed = null;
  return waiting ? waiting.then((c) => (c && c.period === period ? c : null)) : null;
}
