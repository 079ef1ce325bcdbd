/**
 * The web app in headless Chromium (Debian's, driven by playwright-core) against a real local server over a
 * fresh table with the demo data: the four journeys of issue 7, one after the other on the same month.
 *
 * Everyone signs in as a user would, through the local OpenID provider's page (`chooseAccount`).
 *
 * 1. An employee fills in and submits the self-assessment (keyboard sign-in, live total and grade, a bad entry).
 * 2. The supervisor returns it with a comment; the employee sees the comment and submits again; the supervisor
 *    reviews it with their own scores.
 * 3. The unit head sees the quota meter, bulk-approves two A grades, meets the API's quota message on one A too
 *    many, approves it as reviewed instead, and names an acting head.
 * 4. HR sees the period, computes the rankings, downloads the ranking CSV, sees the grade chart, the league table,
 *    the inflation signals and the annual report.
 * And: every page fits a 360 px wide phone; the time to first render of the employee page is measured.
 *
 * A screenshot of each main page goes to test-artifacts/web/. Skipped, saying why, only without /usr/bin/chromium.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  artifactPath,
  type BuiltApp,
  buildWebApp,
  CHROMIUM,
  chooseAccount,
  hasChromium,
  launchChromium,
  startWebTestServer,
  type WebTestServer,
} from './support.ts';

if (!hasChromium) {
  console.warn(
    `test/web/journeys.test.ts: SKIPPED — ${CHROMIUM} is missing (install it with: apt-get install -y chromium).`,
  );
}

const STEP = 60_000;
/** `performance.mark` the employee page sets when the month is first rendered. */
const READY_MARK = 'danh-gia:employee-month-rendered';

describe.skipIf(!hasChromium)('the web app in Chromium', () => {
  let app: BuiltApp;
  let server: WebTestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  let employee: Page;
  let reviewer: Page;
  let period: string;
  let monthLabel: string;

  beforeAll(async () => {
    app = await buildWebApp();
    server = await startWebTestServer(app.dir);
    period = server.period;
    monthLabel = `Tháng ${Number(period.slice(5))}/${period.slice(0, 4)}`;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    app?.cleanup();
  });

  async function newPage(width = 1280, height = 900): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width, height },
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
      acceptDownloads: true,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    return page;
  }

  /**
   * Opens a path and signs in as a user would: the app sends the browser to the local provider, where a demo
   * account's button (or any employee id in the form) signs in and brings the browser back to that path.
   */
  async function signIn(page: Page, employeeId: string, path: string) {
    await page.goto(`${server.url}${path}`);
    await chooseAccount(page, employeeId);
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: artifactPath(`${name}.png`), fullPage: true });

  /** No horizontal scrolling: the page fits the viewport's width. */
  const fitsWidth = async (page: Page) =>
    page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

  it(
    'an employee fills in and submits the self-assessment',
    async () => {
      employee = await newPage();
      await employee.goto(`${server.url}/danh-gia`);
      // The provider's page: the demo accounts are buttons; keyboard only, Enter signs in.
      await employee.waitForURL(/\/oidc\/interaction\//);
      await shot(employee, '00-sign-in');
      await chooseAccount(employee, 'stc-ns-03', { keyboard: true });
      await employee.getByRole('heading', { name: `Tự đánh giá ${monthLabel}`, level: 1 }).waitFor();
      await expect
        .poll(() => employee.getByTestId('countdown').textContent())
        .toMatch(/Hạn nộp tự đánh giá: .*còn/);

      const discipline = employee.getByLabel('Ý thức tổ chức kỷ luật, phẩm chất đạo đức');
      const duties = employee.getByLabel('Kết quả thực hiện chức trách, nhiệm vụ được giao');
      const bonus = employee.getByLabel('Điểm thưởng');
      await discipline.fill('19');
      await duties.fill('68,5');
      await bonus.fill('12');
      // Above the criterion's maximum: said next to the field, and the field is marked invalid.
      await expect.poll(() => bonus.getAttribute('aria-invalid')).toBe('true');
      expect(await employee.getByText('Tối đa 10 điểm.').isVisible()).toBe(true);
      await bonus.fill('8');
      const total = employee.getByTestId('self-total');
      await expect.poll(() => total.textContent()).toContain('95,5/100');
      expect(await total.textContent()).toContain('Hoàn thành xuất sắc nhiệm vụ');
      await employee.getByLabel('Tự nhận xét (không bắt buộc)').fill('Hoàn thành dự toán quý IV trước hạn.');

      await employee.getByRole('button', { name: 'Lưu nháp' }).click();
      await employee.getByText('Đã lưu bản tự đánh giá (chưa nộp).').waitFor();
      await employee.getByRole('button', { name: 'Nộp bản tự đánh giá' }).click();
      await employee.getByRole('button', { name: 'Xác nhận nộp' }).click();
      await employee.getByText('Đã nộp bản tự đánh giá.').waitFor();
      await employee.getByText('Đã nộp, chờ nhận xét').first().waitFor();
      await expect.poll(() => employee.locator('.timeline').textContent()).toContain('Nộp bản tự đánh giá');
      await shot(employee, '01-employee-submitted');
    },
    STEP,
  );

  it(
    'the supervisor returns it with a comment, the employee resubmits, the supervisor reviews it',
    async () => {
      reviewer = await newPage();
      await signIn(reviewer, 'stc-ns-pp', '/nhan-xet');
      await reviewer.getByRole('heading', { name: 'Nhận xét, chấm điểm', level: 1 }).waitFor();
      await reviewer.locator('button[data-employee-id="stc-ns-03"]').click();
      const detail = reviewer.locator('#review-detail');
      await detail.getByRole('heading', { name: 'Nguyễn Thị Bích Ngọc' }).waitFor();
      // The self-scores beside the review form.
      const selfColumn = await detail.locator('tbody td.num[data-label="Tự chấm"]').allTextContents();
      expect(selfColumn).toEqual(['19', '68,5', '8']);

      await detail.getByRole('button', { name: 'Trả lại để hoàn thiện…' }).click();
      const reason = 'Bổ sung minh chứng kết quả thẩm định dự toán quý IV.';
      await reviewer.getByLabel('Lý do trả lại (bắt buộc, người lao động sẽ thấy)').fill(reason);
      await reviewer.getByRole('button', { name: 'Trả lại cho người lao động' }).click();
      await reviewer.getByText('Đã trả lại phiếu của Nguyễn Thị Bích Ngọc để hoàn thiện.').waitFor();

      // The employee sees why, in the status and in the timeline, and submits again.
      await employee.reload();
      const returned = employee.getByTestId('returned');
      await returned.waitFor();
      expect(await returned.textContent()).toContain(reason);
      await expect.poll(() => employee.locator('.timeline').textContent()).toContain(reason);
      await employee.getByLabel('Kết quả thực hiện chức trách, nhiệm vụ được giao').fill('68');
      await employee.getByRole('button', { name: 'Nộp bản tự đánh giá' }).click();
      await employee.getByRole('button', { name: 'Xác nhận nộp' }).click();
      await employee.getByText('Đã nộp bản tự đánh giá.').waitFor();

      await reviewer.reload();
      await reviewer.locator('button[data-employee-id="stc-ns-03"]').click();
      await detail.getByRole('heading', { name: 'Nguyễn Thị Bích Ngọc' }).waitFor();
      await detail.getByLabel('Kết quả thực hiện chức trách, nhiệm vụ được giao').fill('67');
      await expect.poll(() => detail.getByTestId('review-total').textContent()).toContain('94/100');
      await detail.getByLabel('Nhận xét của người nhận xét').fill('Tham mưu dự toán kịp thời, chất lượng.');
      await detail.getByRole('button', { name: 'Gửi nhận xét và chấm điểm' }).click();
      await reviewer.getByText('Đã nhận xét, chấm điểm Nguyễn Thị Bích Ngọc: 94 điểm.').waitFor();
      await reviewer
        .locator('button[data-employee-id="stc-ns-03"]')
        .getByText('Đã nhận xét, chờ phê duyệt')
        .waitFor();
      expect(await reviewer.getByText(/Tiến độ của nhóm/).textContent()).toContain('đã nhận xét 4/5');
      await shot(reviewer, '02-reviewer');
    },
    STEP,
  );

  it(
    'the unit head bulk-approves, meets the quota message on one A too many, and names an acting head',
    async () => {
      // The ranking snapshot gives the meter the unit's exact limit (7 evaluated in stc-ns → at most 2 A).
      const hr = await server.tokenFor('hn-hr', ['hr']);
      const computed = await fetch(`${server.url}/v1/periods/${period}/rankings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${hr}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(computed.status).toBe(202);
      const { runId } = (await computed.json()) as { runId: string };
      await expect
        .poll(async () => {
          const run = await fetch(`${server.url}/v1/periods/${period}/rankings/runs/${runId}`, {
            headers: { authorization: `Bearer ${hr}` },
          });
          return ((await run.json()) as { status: string }).status;
        })
        .toBe('DONE');

      const head = await newPage();
      await signIn(head, 'stc-ns-tp', '/phe-duyet');
      const quota = head.getByTestId('quota');
      await expect.poll(() => quota.textContent()).toContain('đã dùng 0/2 suất');

      // Two A grades in one go: Đinh Quang Huy (92) and Nguyễn Thị Bích Ngọc (94).
      await head.getByLabel('Chọn Đinh Quang Huy để phê duyệt').check();
      await head.getByLabel('Chọn Nguyễn Thị Bích Ngọc để phê duyệt').check();
      await head.getByRole('button', { name: 'Phê duyệt 2 phiếu đã chọn' }).click();
      const bulk = head.getByTestId('bulk-result');
      await expect.poll(() => bulk.textContent()).toContain('Đã phê duyệt 2 phiếu.');
      await expect.poll(() => quota.textContent()).toContain('đã dùng 2/2 suất');
      expect(await quota.textContent()).toContain('Đã dùng hết suất loại A');

      // A third A: Trịnh Thị Lan reviewed at 89, adjusted to 91 with a reason → the API refuses.
      await head.locator('button[data-employee-id="stc-ns-01"]').click();
      const detail = head.locator('#approval-detail');
      await detail.getByRole('heading', { name: 'Trịnh Thị Lan' }).waitFor();
      await detail.getByLabel('Điều chỉnh điểm của người nhận xét').check();
      await detail.getByLabel('Kết quả thực hiện chức trách, nhiệm vụ được giao').fill('66');
      await expect.poll(() => detail.getByTestId('approve-total').textContent()).toContain('91/100');
      await detail
        .getByLabel('Lý do điều chỉnh (bắt buộc)')
        .fill('Hoàn thành vượt tiến độ báo cáo quyết toán.');
      await detail.getByRole('button', { name: 'Phê duyệt với điểm điều chỉnh' }).click();
      const refusal = detail.locator('[role="alert"][data-code="QUOTA_EXCEEDED"]');
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain('Không thể xếp thêm loại A');
      await shot(head, '03-approver-quota-exceeded');

      // Approved as reviewed instead: B.
      await detail.getByLabel('Điều chỉnh điểm của người nhận xét').uncheck();
      await detail.getByRole('button', { name: 'Phê duyệt', exact: true }).click();
      await head.getByText('Đã phê duyệt Trịnh Thị Lan: 89 điểm, loại B').waitFor();
      await expect.poll(() => quota.textContent()).toContain('đã dùng 2/2 suất');

      // An acting head for an absence.
      await head.getByLabel('Người được giao quyền').selectOption({ label: 'Ngô Minh Tuấn' });
      await head.getByLabel('Lý do', { exact: true }).fill('Đi công tác');
      await head.getByRole('button', { name: 'Giao quyền' }).click();
      await head.getByText('Đã giao quyền phê duyệt cho Ngô Minh Tuấn.').waitFor();
      await expect.poll(() => head.getByTestId('acting-heads').textContent()).toContain('Ngô Minh Tuấn');
      await shot(head, '03-approver');
    },
    STEP,
  );

  it(
    'HR manages the period, downloads the ranking CSV and sees the chart',
    async () => {
      const hr = await newPage();
      await signIn(hr, 'hn-hr', '/ky-danh-gia');
      await hr.getByRole('heading', { name: 'Kỳ đánh giá', level: 1 }).waitFor();
      await hr.getByRole('heading', { name: `${monthLabel}: đang mở` }).waitFor();
      const counts = hr.getByTestId('period-counts');
      expect(await counts.textContent()).toContain('Đã phê duyệt');
      await shot(hr, '04-hr-period');

      await hr.goto(`${server.url}/xep-hang?donvi=stc-ns&ky=${period}`);
      await hr.getByRole('button', { name: `Tính lại xếp hạng ${monthLabel}` }).click();
      await hr.getByText(`Đã tính lại xếp hạng ${monthLabel}.`).waitFor();
      const table = hr.getByTestId('ranking-table');
      await expect.poll(() => table.textContent()).toContain('Nguyễn Thị Bích Ngọc');
      const names = await table.locator('tbody th').allTextContents();
      expect(names[0]).toContain('Nguyễn Thị Bích Ngọc'); // 94, first
      expect(names).toHaveLength(4); // stc-ns-02 (seeded), 03, 04, 01

      // Filters: grade A only.
      await hr.getByLabel('Xếp loại', { exact: true }).selectOption('A');
      await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
      await hr.getByLabel('Xếp loại', { exact: true }).selectOption('');

      // The chart: one bar for the unit, described for screen readers.
      const chart = hr.locator('figure.chart');
      await chart.waitFor();
      const bar = chart.locator('.bar[role="img"]').first();
      expect(await bar.getAttribute('aria-label')).toBe(
        'Phòng Quản lý ngân sách (chỉ đơn vị): loại A 2, loại B 2, loại C 0, loại D 0',
      );
      expect(await chart.locator('.bar .seg-A').first().textContent()).toBe('A 2');

      // The CSV download: UTF-8 with a byte-order mark, Vietnamese names intact.
      const [download] = await Promise.all([
        hr.waitForEvent('download'),
        hr.getByRole('button', { name: 'Tải CSV' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`xep-hang-stc-ns-${period}.csv`);
      const path = await download.path();
      const bytes = readFileSync(path);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const csv = bytes.subarray(3).toString('utf8');
      expect(csv.split('\r\n')[0]).toBe('Hạng,Mã nhân sự,Họ và tên,Tổng điểm,Xếp loại,Mức xếp loại');
      expect(csv).toContain('1,stc-ns-03,Nguyễn Thị Bích Ngọc,94,A,Hoàn thành xuất sắc nhiệm vụ');
      await shot(hr, '05-hr-rankings-unit');

      // The department: the chart has a bar per sub-unit, the league table and the inflation signals.
      await hr.getByLabel('Đơn vị', { exact: true }).selectOption('stc');
      await hr.getByTestId('league-table').waitFor();
      expect(await hr.getByTestId('league-table').textContent()).toContain('Phòng Quản lý ngân sách');
      await expect.poll(() => chart.locator('.bar[role="img"]').count()).toBe(3);
      expect(await hr.getByTestId('inflation-table').textContent()).toContain(
        'Phòng Quản lý giá và công sản',
      );
      await shot(hr, '05-hr-rankings');

      await hr.goto(`${server.url}/bao-cao-nam?donvi=stc-ns`);
      const annual = hr.getByTestId('annual-table');
      await annual.waitFor();
      expect(await annual.textContent()).toContain('Không xếp loại (dưới 6 tháng)');
      await shot(hr, '06-hr-annual');
    },
    STEP,
  );

  it(
    'fits a 360 px wide phone',
    async () => {
      const phone = await newPage(360, 780);
      await signIn(phone, 'stc-ns-05', '/danh-gia');
      await phone.getByRole('heading', { name: `Tự đánh giá ${monthLabel}`, level: 1 }).waitFor();
      await phone.getByText('Điểm các tiêu chí').waitFor();
      expect(await fitsWidth(phone)).toBe(true);
      await shot(phone, '07-phone-employee');

      const head = await newPage(360, 780);
      await signIn(head, 'stc-ns-tp', '/phe-duyet?nguoi=stc-ns-05');
      await head.getByTestId('quota').waitFor();
      await head.locator('#approval-detail').getByRole('heading', { name: 'Ánh Dương Thị Yến' }).waitFor();
      expect(await fitsWidth(head)).toBe(true);
      await shot(head, '08-phone-approver');
    },
    STEP,
  );

  it(
    'renders the employee page quickly (time to first render, measured)',
    async () => {
      const page = await newPage();
      // Signed in once through the provider; the session stays in this tab's sessionStorage across loads.
      await signIn(page, 'stc-ns-02', '/danh-gia');
      const ready: number[] = [];
      const paint: number[] = [];
      for (let i = 0; i < 5; i++) {
        await page.goto(`${server.url}/danh-gia`);
        // The app marks the moment the month (status, score sheet, timeline) is first on screen.
        await page.locator('.score-table').waitFor();
        await page.waitForFunction(`performance.getEntriesByName('${READY_MARK}').length > 0`);
        ready.push(
          await page.evaluate<number>(`performance.getEntriesByName('${READY_MARK}')[0]?.startTime ?? -1`),
        );
        paint.push(
          await page.evaluate<number>(
            `performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1`,
          ),
        );
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? -1;
      console.log(
        `web: employee page, median of ${ready.length} loads: first contentful paint ${Math.round(median(paint))} ms, ` +
          `month rendered ${Math.round(median(ready))} ms after navigation start`,
      );
      expect(Math.min(...ready)).toBeGreaterThan(0);
      expect(median(ready)).toBeLessThan(3_000);
    },
    STEP,
  );

  it('raised no script error on any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
