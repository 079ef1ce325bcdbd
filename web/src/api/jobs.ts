/**
 * Work the API does in the background (a city's rankings take longer than a request may): the API answers 202
 * with the run, and the app follows it until it is done.
 */
import type { Api } from './client.ts';

interface RankingRun {
  runId: string;
  status: 'RUNNING' | 'DONE' | 'SUPERSEDED';
}

const POLL_MS = 700;
const GIVE_UP_MS = 10 * 60_000;

/** Starts computing every ranking of the period and resolves, with the run, once they are stored. */
export async function computeRankings(api: Api, period: string): Promise<RankingRun> {
  const started = await api.post<RankingRun>(`/v1/periods/${period}/rankings`, {});
  const until = Date.now() + GIVE_UP_MS;
  while (Date.now() < until) {
    const run = await api.get<RankingRun>(`/v1/periods/${period}/rankings/runs/${started.runId}`);
    // A newer computation took over: its result is at least as fresh as the one asked for.
    if (run.status !== 'RUNNING') return run;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error('Việc tính xếp hạng đang kéo dài hơn thường lệ; hãy tải lại trang sau ít phút.');
}
