/**
 * The web app declares the API's response shapes itself (web/src/api/types.ts) so that its bundle holds no
 * server code. These checks are compile-time (`npm run typecheck` runs them): each server presenter's output must
 * still be assignable to what the web app reads, so a renamed or retyped field fails here, not in a browser.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { readIncome } from '../../shared/app/income.ts';
import type {
  listSuppressedAddresses,
  markNotificationRead,
  readNotifications,
  setEmailPreference,
} from '../../shared/app/notifications.ts';
import type { importOrg } from '../../shared/app/org-import.ts';
import type { presentPeriod } from '../../shared/app/periods/periods.ts';
import type { presentEmployee, presentEvaluation, presentHistory } from '../../shared/app/present.ts';
import type { presentRanking, readAnnual, readSubunitRanking } from '../../shared/app/reports.ts';
import type { readMe } from '../../shared/app/worklists.ts';
import type { presentBulk } from '../../shared/http/endpoints/evaluations.ts';
import type { Delegation as StoredDelegation } from '../../shared/store/entities.ts';
import type {
  AnnualReport,
  AppNotification,
  BulkResult,
  Delegation,
  EmailSettings,
  Employee,
  Evaluation,
  HistoryItem,
  ImportPreview,
  ImportResult,
  IncomeReport,
  Me,
  Notifications,
  PeriodInfo,
  Ranking,
  SubunitRanking,
  SuppressedAddress,
} from '../../web/src/api/types.ts';

describe('web API types match the server', () => {
  it('evaluations, history and work lists', () => {
    expectTypeOf<ReturnType<typeof presentEvaluation>>().toExtend<Evaluation>();
    expectTypeOf<ReturnType<typeof presentHistory>[number]>().toExtend<HistoryItem>();
    expectTypeOf<Awaited<ReturnType<typeof readMe>>>().toExtend<Me>();
    expectTypeOf<ReturnType<typeof presentBulk>>().toExtend<BulkResult>();
  });

  it('notifications, the e-mail switch, suppressed addresses', () => {
    expectTypeOf<Awaited<ReturnType<typeof readNotifications>>>().toExtend<Notifications>();
    expectTypeOf<Awaited<ReturnType<typeof markNotificationRead>>>().toExtend<AppNotification>();
    expectTypeOf<Awaited<ReturnType<typeof setEmailPreference>>>().toExtend<{ email: EmailSettings }>();
    expectTypeOf<Awaited<ReturnType<typeof listSuppressedAddresses>>>().toExtend<{
      items: SuppressedAddress[];
    }>();
  });

  it('employees and the org import', () => {
    expectTypeOf<ReturnType<typeof presentEmployee>>().toExtend<Employee>();
    expectTypeOf<Awaited<ReturnType<typeof importOrg>>>().toExtend<ImportResult>();
    expectTypeOf<
      Extract<Awaited<ReturnType<typeof importOrg>>, { dryRun: boolean }>
    >().toExtend<ImportPreview>();
  });

  it('rankings, league tables, annual report, acting heads', () => {
    expectTypeOf<ReturnType<typeof presentRanking>>().toExtend<Ranking>();
    expectTypeOf<Awaited<ReturnType<typeof readSubunitRanking>>>().toExtend<SubunitRanking>();
    expectTypeOf<Awaited<ReturnType<typeof readAnnual>>>().toExtend<AnnualReport>();
    expectTypeOf<StoredDelegation>().toExtend<Delegation>();
  });

  it('periods, with whether they may be reopened', () => {
    // The server types `status` as a string (it maps its internal CLOSING and REOPENING to OPEN).
    expectTypeOf<Omit<ReturnType<typeof presentPeriod>, 'status'>>().toExtend<Omit<PeriodInfo, 'status'>>();
  });

  it('what the results pay', () => {
    expectTypeOf<Awaited<ReturnType<typeof readIncome>>>().toExtend<IncomeReport>();
  });
});
