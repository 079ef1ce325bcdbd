/**
 * For the tests of configurable rules (cycles, bands, duty groups, heads of top-level units, the income table): the
 * deployment's configuration for this test file's process, and a whole evaluation cycle through the API.
 */
import ExcelJS from 'exceljs';
import { expect } from 'vitest';
import { readConfig, setConfig } from '../../shared/config.ts';
import { TABLE_NAME_ENV } from '../../shared/store/table-definition.ts';
import type { TestApi } from './api.ts';

/** Configures this process (each test file runs in its own) as a deployment with these variables would be. */
export function useConfig(env: Record<string, string | undefined> = {}): void {
  // The table's name is only known once the test's table exists; the handlers use the process's store (set by
  // freshTable) whatever the name, but the configuration must name one.
  setConfig(readConfig({ [TABLE_NAME_ENV]: 'set-by-fresh-table', ...process.env, ...env }));
}

/** hn-3814 scores adding up to `total` points (discipline, then duties, then bonus filled in that order). */
export function hnScores(total: number) {
  const hundredths = Math.round(total * 100);
  const discipline = Math.min(2000, hundredths);
  const duties = Math.min(7000, hundredths - discipline);
  const bonus = hundredths - discipline - duties;
  return { discipline: discipline / 100, duties: duties / 100, bonus: bonus / 100 };
}

/** nd-335 scores adding up to `total` points (at least 30): the general criteria full, the rest on tasks. */
export function ndScores(total: number) {
  return {
    politics: 5,
    ethics: 5,
    competence: 2.5,
    responsibility: 2.5,
    serviceAttitude: 2.5,
    cooperation: 2.5,
    innovation: 10,
    tasks: Math.round((total - 30) * 100) / 100,
  };
}

type Scores = Record<string, number>;

/** The employee saves and submits, the reviewer reviews with the same scores: the evaluation waits for approval. */
export async function submitAndReview(
  api: TestApi,
  employeeId: string,
  period: string,
  scores: Scores,
  reviewerId: string,
): Promise<void> {
  const base = `/v1/evaluations/${employeeId}/${period}`;
  const saved = await api.call('PUT', `${base}/self-assessment`, { as: employeeId, body: { scores } });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const submitted = await api.call('POST', `${base}/submit`, { as: employeeId });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  const reviewed = await api.call('POST', `${base}/review`, { as: reviewerId, body: { scores } });
  expect(reviewed.status, JSON.stringify(reviewed.body)).toBe(200);
}

/** The whole cycle to an approval with these scores; the approval's answer. */
export async function approveWith(
  api: TestApi,
  employeeId: string,
  period: string,
  scores: Scores,
  people: { reviewer: string; approver: string },
) {
  await submitAndReview(api, employeeId, period, scores, people.reviewer);
  return api.call('POST', `/v1/evaluations/${employeeId}/${period}/approve`, {
    as: people.approver,
    body: {},
  });
}

export async function workbook(bytes: Uint8Array) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return book;
}

export const rowValues = (sheet: ExcelJS.Worksheet | undefined, n: number) =>
  ((sheet?.getRow(n).values ?? []) as unknown[]).slice(1);

/** A binary download through the local server, with a bearer token for `as`. */
export async function download(api: TestApi, path: string, as: Parameters<TestApi['tokenFor']>[0]) {
  const response = await fetch(`${api.url}${path}`, {
    headers: { authorization: `Bearer ${await api.tokenFor(as)}` },
  });
  return {
    status: response.status,
    headers: response.headers,
    bytes: new Uint8Array(await response.arrayBuffer()),
  };
}
