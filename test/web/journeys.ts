/**
 * The web app's journeys in headless Chromium (Debian's, driven by playwright-core) against a real local server
 * over a fresh table with the demo data, one after the other on the same month. Run at a desktop width
 * (journeys-desktop.test.ts) and on a 360 px phone (journeys-phone.test.ts): on every page visited, the page must
 * fit the width (no horizontal scrolling) and axe-core must find no accessibility violation.
 *
 * 1. An employee fills in and submits the self-assessment (keyboard sign-in, live total and grade, a bad entry,
 *    the confirmation dialog takes focus, focus lands on the result).
 * 2. The direct leader returns it with a comment (and then reads that it went back, not "not submitted"); the
 *    employee sees the comment and submits again; the leader reviews it with their own scores.
 * 3. The head of unit sees the quota meter and the inbox count, bulk-approves two A grades, meets the API's
 *    quota message on one A too many, approves as reviewed instead, and names an acting head with dd/mm/yyyy
 *    dates typed in an English-language browser.
 * 4. Typed work survives: a reload (the browser is asked to warn first), an expired session (sign in again), a
 *    stale tab (412: reload and keep the input).
 * 5. HR: the ranking searched without diacritics, CSV, chart, league table, annual report and its print view.
 * 6. HR closes the period early only after reading the counts and typing the period id; an admin reopens it with a
 *    reason and the id typed in (HR may not), the expired forms are back in play, HR closes it again.
 * 7. After publication: an employee appeals (until the day the page names), a staff member sees the published
 *    ranking, the expired month shows no countdown and no grade, the decider finds the appeal in the pending list,
 *    answers it and it leaves the list, the employee reads the answer.
 * 8. The printed form: the print view and the PDF (rendered with poppler: header, scores, signatures).
 * 9. HR and admin screens: an employee's discipline flags, a rubric version, an org import with row errors.
 * 10. The bell: the unread count, the list linking to the evaluation, mark read, the person's e-mail switch; HR
 *    sees an address SES reported as bouncing.
 *
 * Screenshots of each page go to test-artifacts/web/<width>/. Skipped, saying why, without /usr/bin/chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJobInline } from '../../shared/app/jobs/runner.ts';
import {
  artifactPath,
  auditPage,
  type BuiltApp,
  buildWebApp,
  CHROMIUM,
  chooseAccount,
  hasChromium,
  launchChromium,
  REPO_ROOT,
  startWebTestServer,
  type WebTestServer,
} from './support.ts';

const STEP = 90_000;
/** `performance.mark` the employee page sets when the month is first rendered. */
const READY_MARK = 'danh-gia:employee-month-rendered';
const PDFTOTEXT = '/usr/bin/pdftotext';
const PDFTOPPM = '/usr/bin/pdftoppm';
export const hasPoppler = existsSync(PDFTOTEXT) && existsSync(PDFTOPPM);

/**
 * `README_IMAGES=1 npx vitest run test/web/journeys-phone.test.ts` also writes the README's pictures into
 * docs/images/: the employee page on the 360 px phone as the screen shows it, and the printable form's PDF as a
 * page image.
 */
const README_IMAGES = process.env.README_IMAGES === '1';
const readmeImage = (name: string) => {
  const dir = join(REPO_ROOT, 'docs', 'images');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
};

export function defineJourneys(width: number, height: number) {
  const phone = width < 640;
  if (!hasChromium) {
    console.warn(
      `web journeys (${width} px): SKIPPED — ${CHROMIUM} is missing (apt-get install -y chromium).`,
    );
  }
  if (hasChromium && !hasPoppler) {
    console.warn(
      `web journeys (${width} px): the PDF is not rendered — install poppler-utils (pdftotext, pdftoppm).`,
    );
  }

  describe.skipIf(!hasChromium)(`the web app in Chromium, ${width} px wide`, () => {
    let app: BuiltApp;
    let server: WebTestServer;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    const pageErrors: string[] = [];
    let employee: Page;
    let reviewer: Page;
    let period: string;
    let monthLabel: string;
    const audited: string[] = [];

    beforeAll(async () => {
      app = await buildWebApp();
      server = await startWebTestServer(app.dir);
      period = server.period;
      monthLabel = `Tháng ${Number(period.slice(5))}/${period.slice(0, 4)}`;
      browser = await launchChromium();
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      app?.cleanup();
    });

    async function newPage(locale = 'vi-VN'): Promise<Page> {
      const context = await browser.newContext({
        viewport: { width, height },
        locale,
        timezoneId: locale === 'vi-VN' ? 'Asia/Ho_Chi_Minh' : 'America/New_York',
        acceptDownloads: true,
        // axe-core is injected as a script; the app's CSP allows none inline.
        bypassCSP: true,
      });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      page.on('pageerror', (e) => pageErrors.push(e.message));
      return page;
    }

    /**
     * Signs in again from the app's sign-in page in front of us (after a session ended): its button leads to the
     * local OpenID provider, where the account is chosen as a user would.
     */
    async function signInHere(page: Page, employeeId: string) {
      await page.getByRole('heading', { name: 'Đăng nhập', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
      // The provider still knows this browser (its session outlives the app's): it may send it straight back.
      const signedOut = page.getByRole('button', { name: 'Đăng xuất' });
      await Promise.race([page.waitForURL(/\/oidc\/interaction\//), signedOut.waitFor()]);
      if (page.url().includes('/oidc/interaction/')) await chooseAccount(page, employeeId);
      else await signedOut.waitFor();
    }

    /** Opens a path and signs in as a user would, through the local OpenID provider's page. */
    async function signIn(page: Page, employeeId: string, path: string) {
      await page.goto(`${server.url}${path}`);
      await chooseAccount(page, employeeId);
    }

    /** The page checked (screenshot, no horizontal scroll, axe-core), and counted as audited. */
    async function audit(page: Page, name: string) {
      await auditPage(page, name, `${width}-${name}.png`);
      audited.push(name);
    }

    it(
      'an employee fills in and submits the self-assessment',
      async () => {
        employee = await newPage();
        await employee.goto(`${server.url}/danh-gia`);
        await employee.waitForURL(/\/oidc\/interaction\//);
        await audit(employee, '00-sign-in');
        // Keyboard only: the demo accounts are buttons on the provider's page, Enter signs in.
        await chooseAccount(employee, 'stc-ns-03', { keyboard: true });
        await employee.getByRole('heading', { name: `Tự đánh giá ${monthLabel}`, level: 1 }).waitFor();
        // A civil servant is called one in the header (not "cán bộ, công chức").
        expect(await employee.locator('.who-roles').textContent()).toBe('Công chức');
        await expect
          .poll(() => employee.getByTestId('countdown').textContent())
          .toMatch(/Hạn nộp tự đánh giá: .*còn/);

        const discipline = employee.getByLabel('Ý thức tổ chức kỷ luật, phẩm chất đạo đức');
        const duties = employee.getByLabel('Kết quả thực hiện chức trách, nhiệm vụ được giao');
        const bonus = employee.getByLabel('Điểm thưởng');
        await discipline.fill('19');
        await duties.fill('68,5');
        await bonus.fill('12');
        // Above the criterion's maximum: said next to the field, the field is marked invalid, nothing overflows.
        await expect.poll(() => bonus.getAttribute('aria-invalid')).toBe('true');
        expect(await employee.getByText('Tối đa 10 điểm.').isVisible()).toBe(true);
        await bonus.fill('mười');
        await employee.getByText('Điểm phải là một số không âm, ví dụ 62,5.').waitFor();
        await audit(employee, '01-employee-score-error');
        // What the screen shows (not the whole page): the picture of the score sheet in docs/screenshots.
        await employee
          .getByRole('heading', { name: 'Phiếu tự đánh giá' })
          .evaluate((h) => h.scrollIntoView());
        await employee.screenshot({ path: artifactPath(`${width}-01-employee-score-sheet-screen.png`) });
        await bonus.fill('8');
        const total = employee.getByTestId('self-total');
        await expect.poll(() => total.textContent()).toContain('95,5/100');
        expect(await total.textContent()).toContain('Hoàn thành xuất sắc nhiệm vụ');
        await employee
          .getByLabel('Tự nhận xét (không bắt buộc)')
          .fill('Hoàn thành dự toán quý IV trước hạn.');
        if (phone && README_IMAGES) {
          await employee
            .getByRole('heading', { name: 'Phiếu tự đánh giá' })
            .evaluate((h) => h.scrollIntoView());
          await employee.screenshot({ path: readmeImage('phone-employee.png') });
        }

        await employee.getByRole('button', { name: 'Lưu nháp' }).click();
        await employee.getByText('Đã lưu bản tự đánh giá (chưa nộp).').waitFor();
        await employee.getByRole('button', { name: 'Nộp bản tự đánh giá' }).click();
        // The confirmation is a modal dialog that takes focus and is announced by its title.
        const dialog = employee.getByRole('dialog', { name: 'Nộp bản tự đánh giá?' });
        await dialog.waitFor();
        expect(await employee.evaluate<boolean>('!!document.activeElement?.closest("dialog[open]")')).toBe(
          true,
        );
        expect(await dialog.textContent()).toContain('Tổng điểm tự chấm: 95,5');
        await audit(employee, '02-employee-confirm');
        await dialog.getByRole('button', { name: 'Xác nhận nộp' }).click();
        await employee.getByText('Đã nộp bản tự đánh giá.').waitFor();
        // Focus goes to the message saying what happened.
        await expect
          .poll(() => employee.evaluate<string>('document.activeElement?.textContent ?? ""'))
          .toContain('Đã nộp bản tự đánh giá.');
        await employee.getByText('Đã nộp, chờ nhận xét').first().waitFor();
        await expect.poll(() => employee.locator('.timeline').textContent()).toContain('Nộp bản tự đánh giá');
        // Only the step that waits has a countdown: now the leader's review, not the employee's deadline.
        const deadlines = await employee.locator('.deadlines').textContent();
        expect(deadlines?.match(/còn/g)?.length).toBe(1);
        await audit(employee, '03-employee-submitted');
      },
      STEP,
    );

    it(
      'the direct leader returns it, the employee resubmits, the leader reviews it',
      async () => {
        reviewer = await newPage();
        await signIn(reviewer, 'stc-ns-pp', '/nhan-xet');
        await reviewer.getByRole('heading', { name: 'Nhận xét, chấm điểm', level: 1 }).waitFor();
        await reviewer.locator('button[data-employee-id="stc-ns-03"]').click();
        const detail = reviewer.locator('#review-detail');
        await detail.getByRole('heading', { name: 'Nguyễn Thị Bích Ngọc' }).waitFor();
        const selfColumn = await detail.locator('tbody td.num[data-label="Tự chấm"]').allTextContents();
        expect(selfColumn).toEqual(['19', '68,5', '8']);
        await audit(reviewer, '04-reviewer');

        await detail.getByRole('button', { name: 'Trả lại để hoàn thiện…' }).click();
        const reason = 'Bổ sung minh chứng kết quả thẩm định dự toán quý IV.';
        await reviewer.getByLabel('Lý do trả lại (bắt buộc, người được đánh giá sẽ thấy)').fill(reason);
        await reviewer.getByRole('button', { name: 'Trả lại cho người được đánh giá' }).click();
        await reviewer.getByText('Đã trả lại phiếu của Nguyễn Thị Bích Ngọc để hoàn thiện.').waitFor();
        // The leader reads that the form went back, not that it was never submitted.
        await detail.getByText('Phiếu đã được trả lại cho người được đánh giá để hoàn thiện').waitFor();
        expect(await detail.textContent()).not.toContain('chưa nộp tự đánh giá');

        await employee.reload();
        const returned = employee.getByTestId('returned');
        await returned.waitFor();
        expect(await returned.textContent()).toContain(reason);
        await expect.poll(() => employee.locator('.timeline').textContent()).toContain(reason);
        await employee.getByLabel('Kết quả thực hiện chức trách, nhiệm vụ được giao').fill('68');
        await employee.getByRole('button', { name: 'Nộp bản tự đánh giá' }).click();
        await employee.getByRole('dialog').getByRole('button', { name: 'Xác nhận nộp' }).click();
        await employee.getByText('Đã nộp bản tự đánh giá.').waitFor();

        await reviewer.reload();
        await reviewer.locator('button[data-employee-id="stc-ns-03"]').click();
        await detail.getByRole('heading', { name: 'Nguyễn Thị Bích Ngọc' }).waitFor();
        await detail.getByLabel('Kết quả thực hiện chức trách, nhiệm vụ được giao').fill('67');
        await expect.poll(() => detail.getByTestId('review-total').textContent()).toContain('94/100');
        await detail
          .getByLabel('Nhận xét của lãnh đạo trực tiếp')
          .fill('Tham mưu dự toán kịp thời, chất lượng.');
        await detail.getByRole('button', { name: 'Gửi nhận xét và chấm điểm' }).click();
        await reviewer.getByText('Đã nhận xét, chấm điểm Nguyễn Thị Bích Ngọc: 94 điểm.').waitFor();
        await reviewer
          .locator('button[data-employee-id="stc-ns-03"]')
          .getByText('Đã nhận xét, chờ phê duyệt')
          .waitFor();
        expect(await reviewer.getByText(/Tiến độ của nhóm/).textContent()).toContain('đã nhận xét 4/5');
        // The history keeps its disclosure marker (a list item, not a flex box).
        expect(
          await detail
            .locator('details.history summary')
            .evaluate(
              (s) =>
                (
                  s.ownerDocument.defaultView as { getComputedStyle(e: unknown): { display: string } }
                ).getComputedStyle(s).display,
            ),
        ).toBe('list-item');
      },
      STEP,
    );

    it(
      'the head of unit bulk-approves, meets the quota message, and names an acting head in dd/mm/yyyy',
      async () => {
        const hr = await server.tokenFor('hn-hr', ['hr']);
        const started = await fetch(`${server.url}/v1/periods/${period}/rankings`, {
          method: 'POST',
          headers: { authorization: `Bearer ${hr}`, 'content-type': 'application/json' },
          body: '{}',
        });
        expect(started.status).toBe(202);
        const { runId } = (await started.json()) as { runId: string };
        // The run is a job in the server: on a loaded machine it takes seconds, beyond the poll's default second.
        await expect
          .poll(
            async () => {
              const run = await fetch(`${server.url}/v1/periods/${period}/rankings/runs/${runId}`, {
                headers: { authorization: `Bearer ${hr}` },
              });
              return ((await run.json()) as { status: string }).status;
            },
            { timeout: 30_000, interval: 200 },
          )
          .toBe('DONE');

        // An English-language browser in New York: the dates typed must still mean Vietnamese dates.
        const head = await newPage('en-US');
        await signIn(head, 'stc-ns-tp', '/phe-duyet');
        const quota = head.getByTestId('quota');
        await expect.poll(() => quota.textContent()).toContain('đã dùng 0/2 suất');
        // The inbox heading counts the forms listed; what waits is said apart.
        await head.getByRole('heading', { name: 'Phiếu của đơn vị (6)' }).waitFor();
        expect(await head.getByTestId('approvals-waiting').textContent()).toContain('Chờ bạn phê duyệt: 3');

        // Meanwhile (as in another tab) Đinh Quang Huy's form goes back to the leader and is reviewed again, so
        // the line on this page is stale.
        const post = async (who: string, path: string, body: unknown) => {
          const r = await fetch(`${server.url}/v1/evaluations/stc-ns-04/${period}/${path}`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${await server.tokenFor(who)}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify(body),
          });
          expect(r.status).toBe(200);
        };
        await post('stc-ns-tp', 'return', { comment: 'Xem lại điểm thưởng.' });
        await post('stc-ns-pp', 'review', {
          scores: { discipline: 20, duties: 66, bonus: 6 },
          comment: 'Đã xem lại.',
        });

        // Two A grades in one go: one goes through, the stale one is refused, said in words.
        await head.getByLabel('Chọn Đinh Quang Huy để phê duyệt').check();
        await head.getByLabel('Chọn Nguyễn Thị Bích Ngọc để phê duyệt').check();
        await head.getByRole('button', { name: 'Phê duyệt 2 phiếu đã chọn' }).click();
        const bulk = head.getByTestId('bulk-result');
        await expect
          .poll(() => bulk.textContent())
          .toContain('Đã phê duyệt 1 phiếu; 1 phiếu không được phê duyệt:');
        expect(await bulk.textContent()).toContain('Đinh Quang Huy: phiếu vừa được cập nhật ở nơi khác');
        await expect.poll(() => quota.textContent()).toContain('đã dùng 1/2 suất');
        // Approved on its own: the old failure notice goes.
        await head.locator('button[data-employee-id="stc-ns-04"]').click();
        await head.locator('#approval-detail').getByRole('heading', { name: 'Đinh Quang Huy' }).waitFor();
        await head
          .locator('#approval-detail')
          .getByRole('button', { name: 'Phê duyệt', exact: true })
          .click();
        await head.getByText('Đã phê duyệt Đinh Quang Huy: 92 điểm, loại A').waitFor();
        await expect.poll(() => bulk.count()).toBe(0);
        await expect.poll(() => quota.textContent()).toContain('đã dùng 2/2 suất');
        expect(await quota.textContent()).toContain('Đã dùng hết suất loại A');

        await head.locator('button[data-employee-id="stc-ns-01"]').click();
        const detail = head.locator('#approval-detail');
        await detail.getByRole('heading', { name: 'Trịnh Thị Lan' }).waitFor();
        await detail.getByLabel('Điều chỉnh điểm của lãnh đạo trực tiếp').check();
        await detail.getByLabel('Kết quả thực hiện chức trách, nhiệm vụ được giao').fill('66');
        await expect.poll(() => detail.getByTestId('approve-total').textContent()).toContain('91/100');
        await detail
          .getByLabel('Lý do điều chỉnh (bắt buộc)')
          .fill('Hoàn thành vượt tiến độ báo cáo quyết toán.');
        await detail.getByRole('button', { name: 'Phê duyệt với điểm điều chỉnh' }).click();
        const refusal = detail.locator('[role="alert"][data-code="QUOTA_EXCEEDED"]');
        await refusal.waitFor();
        expect(await refusal.textContent()).toContain('Không thể xếp thêm loại A');
        await audit(head, '05-approver-quota-exceeded');

        await detail.getByLabel('Điều chỉnh điểm của lãnh đạo trực tiếp').uncheck();
        await detail.getByRole('button', { name: 'Phê duyệt', exact: true }).click();
        await head.getByText('Đã phê duyệt Trịnh Thị Lan: 89 điểm, loại B').waitFor();
        await expect.poll(() => quota.textContent()).toContain('đã dùng 2/2 suất');
        // The timeline names the leader (the head may see them), never an id.
        await detail.locator('details.history summary').click();
        await expect
          .poll(() => detail.locator('.timeline').textContent())
          .toContain('Lãnh đạo trực tiếp (Ngô Minh Tuấn)');
        expect(await detail.locator('.timeline').textContent()).not.toMatch(/\(stc-ns-/);

        // dd/mm/yyyy in an en-US browser: 03/12 is the third of December.
        const year = Number(period.slice(0, 4)) + 1;
        await head.getByLabel('Người được giao quyền').selectOption({ label: 'Ngô Minh Tuấn' });
        await head.locator('#acting-from-date').fill(`03/12/${year}`);
        await head.locator('#acting-from-time').fill('08:00');
        await head.locator('#acting-to-date').fill(`31/02/${year}`);
        await head.getByRole('button', { name: 'Giao quyền' }).click();
        await head.getByText(`Tháng 2/${year} không có ngày 31.`).waitFor();
        await head.locator('#acting-to-date').fill(`05/12/${year}`);
        await head.locator('#acting-to-time').fill('17:30');
        await head.getByLabel('Lý do', { exact: true }).fill('Đi công tác');
        await head.getByRole('button', { name: 'Giao quyền' }).click();
        await head.getByText('Đã giao quyền phê duyệt cho Ngô Minh Tuấn.').waitFor();
        await expect
          .poll(() => head.getByTestId('acting-heads').textContent())
          .toContain(`08:00 03/12/${year} đến 17:30 05/12/${year}`);
        await audit(head, '06-approver');
      },
      STEP,
    );

    it(
      'keeps what was typed through a reload, an expired session and a stale tab',
      async () => {
        // Mai Thị Phương, a viên chức with a draft nobody touched yet.
        const page = await newPage();
        await signIn(page, 'stc-gia-03', '/danh-gia');
        await page.getByRole('heading', { name: `Tự đánh giá ${monthLabel}`, level: 1 }).waitFor();
        expect(await page.locator('.who-roles').textContent()).toBe('Viên chức');
        const discipline = page.getByLabel('Ý thức tổ chức kỷ luật, phẩm chất đạo đức');
        const duties = page.getByLabel('Kết quả thực hiện chức trách, nhiệm vụ được giao');
        const bonus = page.getByLabel('Điểm thưởng');
        const comment = page.getByLabel('Tự nhận xét (không bắt buộc)');
        await discipline.fill('18');
        await duties.fill('61,5');
        await comment.fill('Hoàn thành kiểm kê tài sản công.');
        // Leaving now would lose nothing, but the browser is asked to warn all the same.
        expect(
          await page.evaluate<boolean>(
            '(() => { const e = new Event("beforeunload", { cancelable: true }); dispatchEvent(e); return e.defaultPrevented; })()',
          ),
        ).toBe(true);

        page.on('dialog', (d) => void d.accept());
        await page.reload();
        await page.getByTestId('draft-restored').waitFor();
        expect(await discipline.inputValue()).toBe('18');
        expect(await duties.inputValue()).toBe('61,5');
        expect(await comment.inputValue()).toBe('Hoàn thành kiểm kê tài sản công.');
        await audit(page, '07-draft-restored');

        // The session ends while typing: the API answers 401 to the save.
        await bonus.fill('4');
        await page.route('**/self-assessment', (route) =>
          route.fulfill({
            status: 401,
            contentType: 'application/json',
            body: JSON.stringify({
              error: { code: 'UNAUTHENTICATED', message: 'Phiên đăng nhập đã hết hạn.' },
            }),
          }),
        );
        await page.getByRole('button', { name: 'Lưu nháp' }).click();
        await page.getByText('Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại.').waitFor();
        await page.unroute('**/self-assessment');
        await signInHere(page, 'stc-gia-03');
        await page.getByTestId('draft-restored').waitFor();
        expect(await bonus.inputValue()).toBe('4');
        expect(await duties.inputValue()).toBe('61,5');
        await page.getByRole('button', { name: 'Lưu nháp' }).click();
        await page.getByText('Đã lưu bản tự đánh giá (chưa nộp).').waitFor();

        // Another tab saves in between: this tab's save is stale (412); reload keeps the input.
        await bonus.fill('5');
        const token = await server.tokenFor('stc-gia-03');
        const other = await fetch(`${server.url}/v1/evaluations/stc-gia-03/${period}/self-assessment`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            scores: { discipline: 18, duties: 61.5, bonus: 4 },
            comment: 'Sửa ở thẻ khác.',
          }),
        });
        expect(other.status).toBe(200);
        await page.getByRole('button', { name: 'Lưu nháp' }).click();
        const stale = page.locator('[role="alert"][data-code="PRECONDITION_FAILED"]');
        await stale.waitFor();
        expect(await stale.textContent()).not.toMatch(/phiên bản|\d/);
        await audit(page, '08-stale-tab');
        await stale.getByRole('button', { name: 'Tải lại và giữ phần tôi đã nhập' }).click();
        await page.getByText('Phiếu đã được cập nhật kể từ lúc đó').waitFor();
        expect(await bonus.inputValue()).toBe('5');
        expect(await comment.inputValue()).toBe('Hoàn thành kiểm kê tài sản công.');
        await page.getByRole('button', { name: 'Lưu nháp' }).click();
        // Saved: the restored-input notice goes, and nothing is left to warn about.
        await expect.poll(() => page.getByTestId('draft-restored').count()).toBe(0);
        expect(await page.getByTestId('self-total').textContent()).toContain('84,5/100');
        await expect
          .poll(() =>
            page.evaluate<boolean>(
              '(() => { const e = new Event("beforeunload", { cancelable: true }); dispatchEvent(e); return e.defaultPrevented; })()',
            ),
          )
          .toBe(false);

        // Signing out with something unsaved asks first, then leaves no draft behind on a shared PC.
        const asked: string[] = [];
        page.on('dialog', (d) => asked.push(d.type()));
        await comment.fill('Chưa lưu khi đăng xuất.');
        expect(
          await page.evaluate<number>(
            'Object.keys(localStorage).filter((k) => k.startsWith("danh-gia.draft.")).length',
          ),
        ).toBe(1);
        await page.getByRole('button', { name: 'Đăng xuất' }).click();
        await page.getByRole('heading', { name: 'Đăng nhập', level: 1 }).waitFor();
        expect(asked).toContain('confirm');
        expect(
          await page.evaluate<number>(
            'Object.keys(localStorage).filter((k) => k.startsWith("danh-gia.draft.")).length',
          ),
        ).toBe(0);
      },
      STEP,
    );

    it(
      'HR finds people without diacritics, downloads the CSV, sees the chart and prints the annual report',
      async () => {
        const hr = await newPage();
        await signIn(hr, 'hn-hr', '/ky-danh-gia');
        await hr.getByRole('heading', { name: `${monthLabel}: đang mở` }).waitFor();
        expect(await hr.getByTestId('period-counts').textContent()).toContain('Đã phê duyệt');
        await audit(hr, '09-hr-period');

        await hr.goto(`${server.url}/xep-hang?donvi=stc-ns&ky=${period}`);
        await hr.getByRole('button', { name: `Tính lại xếp hạng ${monthLabel}` }).click();
        await hr.getByText(`Đã tính lại xếp hạng ${monthLabel}.`).waitFor();
        const table = hr.getByTestId('ranking-table');
        await expect.poll(() => table.textContent()).toContain('Nguyễn Thị Bích Ngọc');
        const names = await table.locator('tbody th').allTextContents();
        expect(names[0]).toContain('Nguyễn Thị Bích Ngọc');
        expect(names).toHaveLength(4);

        // Typed without diacritics: "ngoc" finds Ngọc, "duc" finds Đức.
        await hr.getByLabel(/Tìm theo tên/).fill('ngoc');
        await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
        expect(await table.textContent()).toContain('Nguyễn Thị Bích Ngọc');
        await hr.getByLabel(/Tìm theo tên/).fill('duc');
        await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
        expect(await table.textContent()).toContain('Lương Văn Đức');
        await hr.getByLabel(/Tìm theo tên/).fill('');

        await hr.getByLabel('Xếp loại', { exact: true }).selectOption('A');
        await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
        await hr.getByLabel('Xếp loại', { exact: true }).selectOption('');

        const chart = hr.locator('figure.chart');
        await chart.waitFor();
        expect(await chart.locator('.bar[role="img"]').first().getAttribute('aria-label')).toBe(
          'Phòng Quản lý ngân sách (chỉ đơn vị): loại A 2, loại B 2, loại C 0, loại D 0',
        );

        const [download] = await Promise.all([
          hr.waitForEvent('download'),
          hr.getByRole('button', { name: 'Tải CSV' }).click(),
        ]);
        expect(download.suggestedFilename()).toBe(`xep-hang-stc-ns-${period}.csv`);
        const bytes = readFileSync(await download.path());
        expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        expect(bytes.subarray(3).toString('utf8')).toContain(
          '1,stc-ns-03,Nguyễn Thị Bích Ngọc,94,A,Hoàn thành xuất sắc nhiệm vụ',
        );
        await audit(hr, '10-hr-rankings-unit');

        // The ranking as an official table, and its PDF.
        await hr.getByRole('link', { name: 'Bản in, PDF' }).click();
        const rankingSheet = hr.getByTestId('official');
        await rankingSheet.waitFor();
        expect(await rankingSheet.textContent()).toContain(
          'BẢNG XẾP HẠNG KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG HẰNG THÁNG',
        );
        await audit(hr, '10-hr-ranking-print');
        const [rankingPdf] = await Promise.all([
          hr.waitForEvent('download'),
          hr.getByRole('button', { name: 'Tải PDF' }).click(),
        ]);
        expect(rankingPdf.suggestedFilename()).toBe(`xep-hang-stc-ns-${period}.pdf`);
        if (hasPoppler) {
          const text = execFileSync(PDFTOTEXT, ['-layout', await rankingPdf.path(), '-'], {
            encoding: 'utf8',
          });
          expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
          expect(text).toContain('SỞ TÀI CHÍNH');
          expect(text).toMatch(/\n\s*1\s+Nguyễn Thị Bích Ngọc\s+94\s+A — Hoàn thành xuất sắc/);
          expect(text).toMatch(/NGƯỜI LẬP BIỂU\s+THỦ TRƯỞNG ĐƠN VỊ/);
        }
        await hr.getByRole('link', { name: /Về trang xếp hạng/ }).click();
        await hr.getByTestId('ranking-table').waitFor();

        await hr.getByLabel('Đơn vị', { exact: true }).selectOption('stc');
        await hr.getByTestId('league-table').waitFor();
        expect(await hr.getByTestId('league-table').textContent()).toContain('Phòng Quản lý ngân sách');
        // The department's own staff, the department with everything below it, and each sub-unit: labelled.
        await expect.poll(() => chart.locator('.bar[role="img"]').count()).toBe(4);
        const bars = await chart
          .locator('.bar[role="img"]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
        expect(bars[0]).toMatch(/^Sở Tài chính \(chỉ đơn vị\): /);
        expect(bars[1]).toMatch(/^Sở Tài chính \(tính cả các đơn vị trực thuộc\): loại A [1-9]/);
        const summary = await hr.getByTestId('subtree-summary').textContent();
        expect(summary).toMatch(/Toàn Sở Tài chính, tính cả các đơn vị trực thuộc \([3-9] đơn vị, \d+ người/);
        expect(await hr.getByTestId('inflation-table').textContent()).toContain(
          'Phòng Quản lý giá và công sản',
        );
        expect(await hr.getByTestId('inflation-table').textContent()).toContain(
          'Sở Tài chính (tính cả các đơn vị trực thuộc)',
        );
        await audit(hr, '11-hr-rankings');

        // The annual report: the unit's own staff, then the roll-up of the whole department and its sub-units.
        await runJobInline(server.store, 'annual-rollup', { target: period.slice(0, 4), fresh: true });
        await hr.goto(`${server.url}/bao-cao-nam?donvi=stc`);
        await hr.getByTestId('annual-table').waitFor();
        await expect
          .poll(() => hr.getByTestId('annual-subtree').textContent())
          .toMatch(/Toàn đơn vị, tính cả các đơn vị trực thuộc: [3-9] đơn vị, \d+ người/);
        expect(await hr.getByTestId('annual-subunits').textContent()).toContain('Phòng Quản lý ngân sách');
        await audit(hr, '12-hr-annual-subtree');
        await hr.goto(`${server.url}/bao-cao-nam?donvi=stc-ns`);
        const annual = hr.getByTestId('annual-table');
        await annual.waitFor();
        expect(await annual.textContent()).toContain('Không xếp loại (dưới 6 tháng)');
        await audit(hr, '12-hr-annual');
        await hr.getByRole('link', { name: 'Bản in, PDF' }).click();
        const official = hr.getByTestId('official');
        await official.waitFor();
        expect(await official.textContent()).toContain('BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM');
        expect(await official.textContent()).toContain('SỞ TÀI CHÍNH');
        expect(await official.textContent()).toContain('THỦ TRƯỞNG ĐƠN VỊ');
        await audit(hr, '13-hr-annual-print');
      },
      STEP,
    );

    it(
      'HR closes the period early only after reading the counts and typing the period id; the admin reopens it with a reason',
      async () => {
        const hr = await newPage();
        await signIn(hr, 'hn-hr', `/ky-danh-gia?ky=${period}`);
        await hr.getByRole('heading', { name: `${monthLabel}: đang mở` }).waitFor();
        await hr.getByRole('button', { name: 'Đóng kỳ…' }).click();
        const dialog = hr.getByRole('dialog', { name: `Đóng kỳ ${monthLabel}?` });
        await dialog.waitFor();
        expect(await hr.evaluate<boolean>('!!document.activeElement?.closest("dialog[open]")')).toBe(true);
        const impact = await dialog.getByTestId('close-impact').textContent();
        expect(impact).toMatch(/\d+ phiếu chưa được phê duyệt sẽ chuyển sang “Hết hạn”/);
        expect(impact).toMatch(/\d+ phiếu nháp chưa nộp/);
        expect(impact).toContain('Không thể hoàn tác.');
        expect(await dialog.getByTestId('close-early').textContent()).toContain('Chưa hết hạn');
        const confirm = dialog.getByRole('button', { name: `Đóng kỳ ${monthLabel}` });
        expect(await confirm.isDisabled()).toBe(true);
        await audit(hr, '14-hr-close-guard');
        await dialog.getByLabel(/Để xác nhận, gõ mã kỳ/).fill(period.slice(0, 6));
        expect(await confirm.isDisabled()).toBe(true);
        // Escape closes it, nothing happens, focus is back on the button.
        await hr.keyboard.press('Escape');
        await expect.poll(() => dialog.count()).toBe(0);
        expect(await hr.evaluate<string>('document.activeElement?.textContent ?? ""')).toBe('Đóng kỳ…');

        await hr.getByRole('button', { name: 'Đóng kỳ…' }).click();
        await dialog.getByLabel(/Để xác nhận, gõ mã kỳ/).fill(period);
        await confirm.click();
        await hr.getByText(`Đã đóng kỳ ${monthLabel}.`).waitFor();
        await hr.getByRole('heading', { name: `${monthLabel}: đã đóng` }).waitFor();
        // HR may not reopen: the page says who may, and offers nothing.
        await hr.getByTestId('reopen-unavailable').waitFor();
        expect(await hr.getByRole('button', { name: 'Mở lại kỳ…' }).count()).toBe(0);

        // The admin reopens it within the appeal window, with a reason and the id typed in.
        const admin = await newPage();
        await signIn(admin, 'admin', `/ky-danh-gia?ky=${period}`);
        await admin.getByRole('heading', { name: `${monthLabel}: đã đóng` }).waitFor();
        expect(await admin.getByTestId('reopen-window').textContent()).toMatch(/\d{2}\/\d{2}\/\d{4}/);
        await admin.getByRole('button', { name: 'Mở lại kỳ…' }).click();
        const reopenDialog = admin.getByRole('dialog', { name: `Mở lại kỳ ${monthLabel}?` });
        await reopenDialog.waitFor();
        expect(await reopenDialog.getByTestId('reopen-impact').textContent()).toMatch(
          /[1-9]\d* phiếu đã hết hạn khi đóng kỳ sẽ trở lại/,
        );
        const reopenButton = reopenDialog.getByRole('button', { name: `Mở lại kỳ ${monthLabel}` });
        await reopenDialog.getByLabel(/Để xác nhận, gõ mã kỳ/).fill(period);
        // No reason, no reopening.
        expect(await reopenButton.isDisabled()).toBe(true);
        await reopenDialog
          .getByLabel(/Lý do mở lại/)
          .fill('Đóng kỳ nhầm trước hạn phê duyệt; mở lại để các đơn vị hoàn thành đánh giá.');
        await audit(admin, '14b-admin-reopen-guard');
        await reopenButton.click();
        await admin.getByText(`Đã mở lại kỳ ${monthLabel}.`).waitFor();
        await admin.getByRole('heading', { name: `${monthLabel}: đang mở` }).waitFor();
        expect(await admin.getByTestId('period-counts').textContent()).toMatch(/Hết hạn\s*0/);

        // The forms are back in play: a draft the close had expired can be filled in again, its timeline says why.
        const back = await newPage();
        await signIn(back, 'stc-ns-05', `/danh-gia/${period}`);
        await back.locator('.score-table').waitFor();
        expect(await back.getByTestId('expired').count()).toBe(0);
        const timeline = back.locator('.timeline');
        await expect.poll(() => timeline.textContent()).toContain('Mở lại kỳ đánh giá');
        expect(await timeline.textContent()).toContain('Đóng kỳ nhầm trước hạn phê duyệt');
        await audit(back, '14c-employee-reopened');

        // HR closes it again, through the same guard, for the journeys after publication.
        await hr.reload();
        await hr.getByRole('heading', { name: `${monthLabel}: đang mở` }).waitFor();
        await hr.getByRole('button', { name: 'Đóng kỳ…' }).click();
        await dialog.getByLabel(/Để xác nhận, gõ mã kỳ/).fill(period);
        await confirm.click();
        await hr.getByRole('heading', { name: `${monthLabel}: đã đóng` }).waitFor();
      },
      STEP * 2,
    );

    it(
      'after publication: an appeal is filed, staff see the ranking, the expired month shows no grade, the appeal is answered',
      async () => {
        await employee.goto(`${server.url}/danh-gia/${period}`);
        await employee.getByRole('heading', { name: 'Khiếu nại kết quả' }).waitFor();
        // Approved: no countdown left anywhere.
        expect(await employee.locator('.deadlines').textContent()).not.toMatch(/còn|quá hạn/);
        // The last day to appeal, from the evaluation itself (staff may not read the period).
        expect(await employee.getByTestId('appeal-window').textContent()).toMatch(
          /khiếu nại đến hết ngày \d{2}\/\d{2}\/\d{4}\./,
        );
        await employee.getByRole('button', { name: 'Khiếu nại kết quả…' }).click();
        await employee
          .getByLabel('Lý do khiếu nại (bắt buộc)')
          .fill('Điểm thưởng chưa tính sáng kiến rút ngắn thời gian thẩm định.');
        await employee.getByRole('button', { name: 'Gửi khiếu nại' }).click();
        await employee.getByRole('dialog').getByRole('button', { name: 'Xác nhận gửi khiếu nại' }).click();
        await employee.getByText('Đã gửi khiếu nại.').waitFor();
        const appeal = employee.getByTestId('appeal');
        await expect.poll(() => appeal.textContent()).toContain('Đang chờ giải quyết');
        await audit(employee, '15-employee-appeal');

        // A staff member of the unit sees its published ranking.
        const staff = await newPage();
        await signIn(staff, 'stc-ns-02', `/xep-hang?ky=${period}`);
        await staff.getByRole('heading', { name: 'Kết quả xếp loại của đơn vị', level: 1 }).waitFor();
        const ranking = staff.getByTestId('ranking-table');
        await expect.poll(() => ranking.textContent()).toContain('Nguyễn Thị Bích Ngọc');
        expect(await staff.getByText('Không có quyền').count()).toBe(0);
        await audit(staff, '16-staff-published-ranking');

        // An expired month: no countdown, no grade worked out of the self-score.
        const late = await newPage();
        await signIn(late, 'stc-ns-05', `/danh-gia/${period}`);
        await late.getByTestId('expired').waitFor();
        expect(await late.locator('.deadlines').textContent()).not.toMatch(/còn/);
        expect(await late.getByTestId('result-total').textContent()).toContain('không được xếp loại');
        expect(await late.locator('#main .grade:not(.grade-none)').count()).toBe(0);
        await audit(late, '17-employee-expired');

        // The head of the parent unit finds it in the pending appeals (the nav's "Khiếu nại") and answers it.
        const decider = await newPage();
        await signIn(decider, 'stc-gd', '/');
        await decider.getByRole('navigation').getByRole('link', { name: 'Khiếu nại', exact: true }).click();
        await decider.getByRole('heading', { name: 'Khiếu nại chờ giải quyết', level: 1 }).waitFor();
        const pendingList = decider.getByTestId('appeals-list');
        await expect.poll(() => pendingList.textContent()).toContain('Nguyễn Thị Bích Ngọc');
        expect(await pendingList.textContent()).toContain('Điểm thưởng chưa tính sáng kiến');
        await audit(decider, '18a-appeals-pending');
        await pendingList.getByRole('link', { name: 'Nguyễn Thị Bích Ngọc' }).click();
        await decider.waitForURL(/\/khieu-nai\?nguoi=stc-ns-03/);
        const detail = decider.getByTestId('appeal-detail');
        await expect.poll(() => detail.textContent()).toContain('Điểm thưởng chưa tính sáng kiến');
        await decider.getByLabel('Không chấp nhận').check();
        await decider
          .getByLabel('Ý kiến giải quyết (bắt buộc, người khiếu nại sẽ thấy)')
          .fill('Sáng kiến chưa được công nhận trong tháng; giữ nguyên kết quả.');
        await decider.getByRole('button', { name: 'Gửi quyết định' }).click();
        await decider.getByRole('dialog').getByRole('button', { name: 'Xác nhận' }).click();
        await decider.getByText('Đã trả lời không chấp nhận khiếu nại của Nguyễn Thị Bích Ngọc.').waitFor();
        await audit(decider, '18-appeal-decided');
        // Decided: gone from the list.
        await decider.getByRole('link', { name: 'Về danh sách khiếu nại chờ giải quyết' }).click();
        await decider.getByTestId('appeals-empty').waitFor();
        expect(await decider.getByTestId('appeals-list').count()).toBe(0);

        await employee.reload();
        await expect
          .poll(() => employee.getByTestId('appeal').textContent())
          .toContain('Không được chấp nhận');
        expect(await employee.getByTestId('appeal').textContent()).toContain('giữ nguyên kết quả');
        // The timeline names the people who acted (the API's actorName), not only their part.
        const steps = (await employee.locator('.timeline').textContent()) ?? '';
        expect(steps).toContain('Lãnh đạo trực tiếp (Ngô Minh Tuấn)');
        expect(steps).toContain('Người giải quyết khiếu nại (Nguyễn Xuân Lưu)');
      },
      STEP,
    );

    it(
      'prints the evaluation form and makes its PDF, with the header, the scores and the signatures',
      async () => {
        await employee.goto(`${server.url}/danh-gia/${period}/phieu`);
        const official = employee.getByTestId('official');
        await official.waitFor();
        const text = (await official.textContent()) ?? '';
        expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
        expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
        expect(text).toContain('PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC HẰNG THÁNG');
        expect(text).toContain('PHÒNG QUẢN LÝ NGÂN SÁCH');
        expect(text).toContain('NGƯỜI ĐƯỢC ĐÁNH GIÁ');
        // The leaders' names come with the evaluation, though the person evaluated may not look them up.
        expect(text).toContain('Ngô Minh Tuấn');
        await audit(employee, '19-printable-form');
        await employee.emulateMedia({ media: 'print' });
        await employee.screenshot({
          path: artifactPath(`${width}-20-printable-form-print.png`),
          fullPage: true,
        });
        expect(await employee.locator('.header').isVisible()).toBe(false);
        await employee.emulateMedia({ media: 'screen' });

        const [download] = await Promise.all([
          employee.waitForEvent('download'),
          employee.getByRole('button', { name: 'Tải PDF' }).click(),
        ]);
        expect(download.suggestedFilename()).toBe(`phieu-danh-gia-stc-ns-03-${period}.pdf`);
        const pdf = await download.path();
        expect(readFileSync(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
        if (!hasPoppler) return;
        const pdfText = execFileSync(PDFTOTEXT, ['-layout', pdf, '-'], { encoding: 'utf8' });
        expect(pdfText).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
        expect(pdfText).toContain('Độc lập - Tự do - Hạnh phúc');
        expect(pdfText).toContain('PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC HẰNG THÁNG');
        expect(pdfText).toContain('Nguyễn Thị Bích Ngọc');
        // Each criterion's maximum, self, leader's and final points, and the totals.
        expect(pdfText).toMatch(/\n\s*1\s+Ý thức tổ chức kỷ luật[^\n]*?\s20\s+19\s+19\s+19\s*\n/);
        expect(pdfText).toMatch(/\n\s*2\s+Kết quả thực hiện chức trách[^\n]*?\s70\s+68\s+67\s+67\s*\n/);
        expect(pdfText).toMatch(/Tổng cộng\s+100\s+95\s+94\s+94/);
        expect(pdfText).toContain('Hoàn thành xuất sắc nhiệm vụ (loại A), tổng điểm 94.');
        expect(pdfText).toMatch(/NGƯỜI ĐƯỢC ĐÁNH GIÁ\s+LÃNH ĐẠO TRỰC TIẾP\s+THỦ TRƯỞNG ĐƠN VỊ/);
        expect(pdfText).toMatch(/…+, ngày \d{2} tháng \d{2} năm \d{4}/);
        // Rendered to an image: the PDF opens and draws (this is the README's picture of it).
        execFileSync(PDFTOPPM, [
          '-png',
          '-r',
          '80',
          '-f',
          '1',
          '-l',
          '1',
          pdf,
          artifactPath(`${width}-21-form-pdf`),
        ]);
        expect(existsSync(artifactPath(`${width}-21-form-pdf-1.png`))).toBe(true);
        if (phone && README_IMAGES) {
          execFileSync(PDFTOPPM, [
            '-png',
            '-r',
            '60',
            '-f',
            '1',
            '-l',
            '1',
            '-singlefile',
            pdf,
            readmeImage('printable-form'),
          ]);
        }
        // Every font is embedded (pdffonts' "emb" column), and they are Tinos.
        const fonts = execFileSync('/usr/bin/pdffonts', [pdf], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .slice(2);
        expect(fonts.length).toBeGreaterThan(0);
        for (const line of fonts) {
          expect(line).toMatch(/Tinos/);
          expect(line).toMatch(/\s+yes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/);
        }
      },
      STEP,
    );

    it(
      'HR edits an employee and imports the organisation; the admin makes a rubric version',
      async () => {
        const hr = await newPage();
        await signIn(hr, 'hn-hr', '/quan-tri');
        await audit(hr, '22-admin-home');
        await hr.getByRole('link', { name: 'Hồ sơ nhân sự' }).click();
        await hr.getByLabel('Mã nhân sự').fill('phk-bv');
        await hr.getByRole('button', { name: 'Mở hồ sơ' }).click();
        await hr.getByRole('heading', { name: 'Tô Văn Hậu (phk-bv)' }).waitFor();
        expect(await hr.getByLabel('Đối tượng').inputValue()).toBe('worker');
        await hr.getByLabel(/Bị kỷ luật từ khiển trách trở lên/).check();
        // A flag changed: its grounds are asked for, and kept with who and when.
        await hr.getByLabel(/Căn cứ thay đổi/).fill('Quyết định kỷ luật số 12/QĐ-PHK ngày 02/11/2026.');
        await hr.getByLabel('Thư điện tử (nhận nhắc việc)').fill('to.van.hau@phk.example.gov.vn');
        await hr.getByRole('button', { name: 'Lưu hồ sơ' }).click();
        await hr.getByText('Đã lưu hồ sơ Tô Văn Hậu.').waitFor();
        await audit(hr, '23-admin-employee');
        const token = await server.tokenFor('hn-hr', ['hr']);
        const saved = (await (
          await fetch(`${server.url}/v1/employees/phk-bv`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as { flags: Record<string, boolean>; flagNotes: Record<string, unknown> };
        expect(saved.flags).toMatchObject({ disciplined: true });
        expect(saved.flagNotes.disciplined).toMatchObject({
          by: 'hn-hr',
          reason: 'Quyết định kỷ luật số 12/QĐ-PHK ngày 02/11/2026.',
        });
        // Deactivating asks first.
        await hr.getByLabel('Đang công tác (bỏ chọn khi thôi công tác)').uncheck();
        await hr.getByRole('button', { name: 'Lưu hồ sơ' }).click();
        await hr.getByRole('dialog', { name: 'Cho Tô Văn Hậu thôi công tác?' }).waitFor();
        await hr.getByRole('button', { name: 'Huỷ' }).click();

        // A unit's staff, one page at a time, each opening the record.
        await hr.locator('#staff-unit').selectOption('stc-ns');
        const staffList = hr.getByTestId('unit-staff');
        await expect.poll(() => staffList.textContent()).toContain('Nguyễn Thị Bích Ngọc');
        expect(await hr.getByTestId('unit-staff-count').textContent()).toMatch(
          /Phòng Quản lý ngân sách: \d+ người/,
        );
        await audit(hr, '23b-admin-unit-staff');
        await staffList.getByRole('link', { name: 'Nguyễn Thị Bích Ngọc' }).click();
        await hr.getByRole('heading', { name: 'Nguyễn Thị Bích Ngọc (stc-ns-03)' }).waitFor();

        await hr.goto(`${server.url}/quan-tri/nhap-to-chuc`);
        await hr.getByRole('heading', { name: 'Nhập dữ liệu tổ chức', level: 1 }).waitFor();
        expect(await hr.getByTestId('import-preview').textContent()).toContain('Chạy thử');
        await hr
          .getByLabel('Hoặc dán nội dung tệp')
          .fill(
            'kind,id,name,parentId,unitId,category,supervisorId,isUnitHead,email\n' +
              'unit,phk-tn,Tổ tiếp nhận hồ sơ,phk,,,,,\n' +
              'employee,phk-tn-01,Bùi Văn Nam,,phk-tn,civil_servant,khong-co,false,\n',
          );
        // The dry run first: the row in error, nothing written.
        await hr.getByRole('button', { name: 'Xem trước (chạy thử)' }).click();
        const dryErrors = hr.getByTestId('import-dry-run-errors');
        await dryErrors.waitFor();
        expect(await dryErrors.textContent()).toContain('Không có người quản lý trực tiếp "khong-co"');
        await hr.getByRole('button', { name: 'Nhập dữ liệu' }).click();
        await hr.getByRole('dialog').getByRole('button', { name: 'Nhập', exact: true }).click();
        const errors = hr.getByTestId('import-errors');
        await errors.waitFor();
        expect(await errors.textContent()).toContain('Không có người quản lý trực tiếp "khong-co"');
        await audit(hr, '24-admin-import-errors');
        await hr
          .getByLabel('Hoặc dán nội dung tệp')
          .fill(
            'kind,id,name,parentId,unitId,category,supervisorId,isUnitHead,email\n' +
              'unit,phk-tn,Tổ tiếp nhận hồ sơ,phk,,,,,\n' +
              'employee,phk-tn-01,Bùi Văn Nam,,phk-tn,civil_servant,phk-ct,false,\n',
          );
        await hr.getByRole('button', { name: 'Xem trước (chạy thử)' }).click();
        const changes = hr.getByTestId('import-changes');
        await changes.waitFor();
        expect(await changes.textContent()).toContain('phk-tn-01');
        expect(await hr.getByTestId('import-dry-run').textContent()).toContain(
          'Đơn vị: thêm mới 1, thay đổi 0, giữ nguyên 0. Nhân sự: thêm mới 1',
        );
        await audit(hr, '24b-admin-import-dry-run');
        const notYet = await fetch(`${server.url}/v1/employees/phk-tn-01`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(notYet.status).toBe(404);
        await hr.getByRole('button', { name: 'Nhập dữ liệu' }).click();
        await hr.getByRole('dialog').getByRole('button', { name: 'Nhập', exact: true }).click();
        await expect
          .poll(() => hr.getByTestId('import-result').textContent())
          .toContain('Đã nhập 1 đơn vị và 1 nhân sự.');

        const admin = await newPage();
        await signIn(admin, 'admin', '/quan-tri/tieu-chi');
        await admin.getByRole('heading', { name: 'Bộ tiêu chí', level: 1 }).waitFor();
        await audit(admin, '25-admin-rubrics');
        await admin.locator('a[href="/quan-tri/tieu-chi?sua=hn-3814"]').click();
        await admin.locator('#crit-0-max').fill('25');
        await expect.poll(() => admin.getByTestId('rubric-total').textContent()).toContain('105/100');
        await admin.locator('#crit-1-max').fill('65');
        await expect.poll(() => admin.getByTestId('rubric-total').textContent()).toContain('100/100');
        await audit(admin, '26-admin-rubric-editor');
        await admin.getByRole('button', { name: 'Tạo phiên bản 2' }).click();
        await admin.getByRole('dialog').getByRole('button', { name: 'Tạo phiên bản mới' }).click();
        await expect
          .poll(() => admin.locator('a[href="/quan-tri/tieu-chi?sua=hn-3814"]').textContent())
          .toContain('Tạo phiên bản 3');
        // Version 1 as it was, for the evaluations scored with it.
        await admin.locator('#rubric-hn-3814-version').selectOption('1');
        const old = admin.getByTestId('rubric-hn-3814-old');
        await expect.poll(() => old.textContent()).toContain('phiên bản 1');
        expect(await old.locator('tbody tr').first().textContent()).toMatch(/Ý thức tổ chức kỷ luật.*20$/);
        await audit(admin, '26b-admin-rubric-old-version');
      },
      STEP,
    );

    if (!phone) {
      it(
        'renders the employee page quickly: the month comes with /v1/me, the year beside it',
        async () => {
          const page = await newPage();
          await signIn(page, 'stc-ns-04', '/danh-gia');
          await page.locator('.score-table').waitFor();
          const ready: number[] = [];
          const paint: number[] = [];
          let overlap = 0;
          for (let i = 0; i < 5; i++) {
            const starts = new Map<string, number>();
            const ends = new Map<string, number>();
            const key = (url: string) => new URL(url).pathname;
            const meQueries: string[] = [];
            const onRequest = (r: { url(): string }) => {
              starts.set(key(r.url()), Date.now());
              if (key(r.url()) === '/v1/me') meQueries.push(new URL(r.url()).search);
            };
            const onFinished = (r: { url(): string }) => ends.set(key(r.url()), Date.now());
            page.on('request', onRequest);
            page.on('requestfinished', onFinished);
            await page.reload();
            await page.locator('.score-table').waitFor();
            await page.waitForFunction(`performance.getEntriesByName('${READY_MARK}').length > 0`);
            page.off('request', onRequest);
            page.off('requestfinished', onFinished);
            ready.push(
              await page.evaluate<number>(
                `performance.getEntriesByName('${READY_MARK}')[0]?.startTime ?? -1`,
              ),
            );
            paint.push(
              await page.evaluate<number>(
                `performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1`,
              ),
            );
            // The month comes with /v1/me (?include=current): no request of its own for the evaluation, its
            // history or its rubric; the year's months are asked for before /v1/me has answered.
            expect(meQueries.at(-1)).toBe(`?include=current&period=${period}`);
            expect(starts.has(`/v1/evaluations/stc-ns-04/${period}`)).toBe(false);
            expect(starts.has(`/v1/evaluations/stc-ns-04/${period}/history`)).toBe(false);
            const months = starts.get('/v1/employees/stc-ns-04/evaluations');
            const meDone = ends.get('/v1/me');
            expect(months).toBeDefined();
            if (months !== undefined && meDone !== undefined && months <= meDone) overlap++;
          }
          const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? -1;
          console.log(
            `web: employee page, median of ${ready.length} reloads: first contentful paint ${Math.round(median(paint))} ms, ` +
              `month rendered ${Math.round(median(ready))} ms after navigation start`,
          );
          expect(overlap).toBeGreaterThanOrEqual(3);
          expect(Math.min(...ready)).toBeGreaterThan(0);
          expect(median(ready)).toBeLessThan(3_000);
        },
        STEP,
      );
    }

    it(
      'the bell: the unread count, the list that links to the evaluation, mark read, the e-mail switch; HR sees a bounced address',
      async () => {
        const page = await newPage();
        await signIn(page, 'stc-ns-03', '/');
        const bell = page.getByRole('link', { name: /^Thông báo: \d+ chưa đọc$/ });
        await bell.waitFor();
        const unread = Number(await page.getByTestId('bell-count').textContent());
        expect(unread).toBeGreaterThanOrEqual(2);
        await bell.click();
        await page.getByRole('heading', { name: 'Thông báo', level: 1 }).waitFor();
        const returned = page.getByRole('link', { name: /được trả lại để hoàn thiện/ });
        await returned.waitFor();
        await audit(page, '30-notifications');
        // Opening one marks it read and goes to the evaluation; the bell counts one less.
        await returned.click();
        await page.waitForURL(new RegExp(`/danh-gia/${period}$`));
        await expect.poll(() => page.getByTestId('bell-count').textContent()).toBe(String(unread - 1));
        await page.getByRole('link', { name: /^Thông báo: / }).click();
        await page.getByRole('button', { name: /Đánh dấu tất cả đã đọc/ }).click();
        await page.getByText(/Đã đánh dấu \d+ thông báo là đã đọc\./).waitFor();
        await page.getByRole('link', { name: 'Thông báo: không có thông báo mới' }).waitFor();
        expect(await page.getByTestId('bell-count').count()).toBe(0);
        // The person's own page: e-mail off, in-app notifications stay.
        await page.getByRole('link', { name: 'Cài đặt thư nhắc việc' }).click();
        await page.getByRole('heading', { name: 'Trang cá nhân', level: 1 }).waitFor();
        const box = page.getByLabel('Nhận thư nhắc việc qua thư điện tử');
        expect(await box.isChecked()).toBe(true);
        await box.uncheck();
        await page.getByText('Đã tắt thư nhắc việc. Thông báo trong ứng dụng vẫn được giữ.').waitFor();
        await audit(page, '31-profile');
        const token = await server.tokenFor('stc-ns-03');
        const me = (await (
          await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as { email: { enabled: boolean } };
        expect(me.email.enabled).toBe(false);

        // SES reported stc-ns-04's address as bouncing: HR sees it marked on the employee and in the list.
        const address = 'stc-ns-04@demo.hanoi.gov.vn';
        await server.store.mail.suppress('stc-ns-04', {
          reason: 'bounce',
          address,
          at: new Date().toISOString(),
          detail: 'Permanent/General',
        });
        const hr = await newPage();
        await signIn(hr, 'hn-hr', '/quan-tri/nhan-su?ma=stc-ns-04');
        await hr.getByText(/Thư tới địa chỉ này bị trả lại ngày/).waitFor();
        await hr.getByRole('heading', { name: 'Địa chỉ thư bị trả lại hoặc bị báo là thư rác' }).waitFor();
        expect(await hr.getByRole('link', { name: new RegExp(address) }).count()).toBe(1);
        await audit(hr, '32-admin-suppressed');
      },
      STEP,
    );

    it('raised no script error on any page, and audited every page it visited', () => {
      expect(pageErrors).toEqual([]);
      expect(audited.length).toBeGreaterThanOrEqual(25);
    });
  });
}
