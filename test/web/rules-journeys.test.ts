/**
 * The web app with Decree 335's configurable rules, in headless Chromium at a desktop width and on a 360 px phone, in a
 * deployment where civil servants are evaluated quarterly (Ho Chi Minh City's way), the others monthly, with an
 * income table: HR approves the city's own head (a head of a top-level unit, evaluated by the top unit's HR), reads
 * and downloads what the results pay (CSV and Excel), picks a quarter in the period picker, and records an
 * employee's duty group. Every page: no horizontal scrolling, no axe-core violation. Skipped without Chromium.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INCOME_TABLE } from '../../functions/local/demo-data.ts';
import { useLocalClaimNames } from '../../functions/local/local-oidc.ts';
import { periodOf, quarterOf } from '../../shared/domain/calendar.ts';
import { hnScores, useConfig } from '../support/rules.ts';
import {
  auditPage,
  type BuiltApp,
  buildWebApp,
  CHROMIUM,
  chooseAccount,
  hasChromium,
  launchChromium,
  startWebTestServer,
  type WebTestServer,
} from './support.ts';

const STEP = 90_000;

if (!hasChromium)
  console.warn(`web rules journeys: SKIPPED — ${CHROMIUM} is missing (apt-get install -y chromium).`);

describe.skipIf(!hasChromium).each([
  [1280, 900],
  [360, 780],
])('Decree 335 rules in the web app, %i px wide', (width, height) => {
  let app: BuiltApp;
  let server: WebTestServer;
  let browser: Browser;
  let hr: Page;
  let month: string;
  let quarter: string;

  beforeAll(async () => {
    // The claim names of the local provider first: the configuration is read from the environment once, here.
    useLocalClaimNames();
    useConfig({
      CYCLE_BY_CATEGORY: JSON.stringify({ civil_servant: 'quarterly' }),
      INCOME_TABLE: JSON.stringify(DEMO_INCOME_TABLE),
    });
    app = await buildWebApp();
    server = await startWebTestServer(app.dir);
    // The demo opened the month for the monthly categories and its quarter for civil servants.
    month = periodOf(new Date().toISOString()) ?? '';
    quarter = quarterOf(new Date().toISOString()) ?? '';
    expect(server.period).toBe(quarter);
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width, height },
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
      acceptDownloads: true,
      bypassCSP: true,
    });
    hr = await context.newPage();
    hr.setDefaultTimeout(20_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    app?.cleanup();
  });

  const audit = (page: Page, name: string) => auditPage(page, name, `${width}-rules-${name}.png`);

  async function api(path: string, as: string, body: unknown, groups: ('hr' | 'admin')[] = []) {
    const response = await fetch(`${server.url}${path}`, {
      method: path.endsWith('self-assessment') ? 'PUT' : 'POST',
      headers: {
        authorization: `Bearer ${await server.tokenFor(as, groups)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    expect(response.status, await response.clone().text()).toBe(200);
  }

  it(
    'HR approves the city’s own head, as the top unit’s HR',
    async () => {
      // The head submits first (through the API: the employee's own page is tested elsewhere).
      const base = `/v1/evaluations/hn-ct/${month}`;
      await api(`${base}/self-assessment`, 'hn-ct', { scores: hnScores(88) });
      await api(`${base}/submit`, 'hn-ct', {});
      await hr.goto(`${server.url}/phe-duyet?ky=${month}`);
      await chooseAccount(hr, 'hn-hr');
      await hr.getByRole('heading', { name: 'Phê duyệt, xếp loại', level: 1 }).waitFor();
      await hr.getByTestId('approver-role').waitFor();
      expect(await hr.getByTestId('approver-role').textContent()).toContain(
        'Cơ quan tham mưu tổ chức cán bộ (hn)',
      );
      // The navigation offers what the results pay to HR.
      await hr.getByRole('link', { name: 'Thu nhập, thưởng' }).first().waitFor({ state: 'attached' });
      await hr.locator('button[data-employee-id="hn-ct"]').click();
      const form = hr.getByRole('region', { name: 'Trần Sỹ Thanh' });
      await form.waitFor();
      await audit(hr, '01-approvals-top-head');
      await form.getByLabel('Ý thức tổ chức kỷ luật, phẩm chất đạo đức').fill('19');
      await form.getByLabel('Kết quả thực hiện chức trách, nhiệm vụ được giao').fill('62');
      await form.getByLabel('Điểm thưởng').fill('5');
      await form.getByRole('button', { name: 'Phê duyệt', exact: true }).click();
      await hr.getByText(/Đã phê duyệt Trần Sỹ Thanh: 86 điểm, loại B/).waitFor();
      await audit(hr, '02-approvals-top-head-done');
    },
    STEP,
  );

  it(
    'HR reads what a quarter’s results pay and downloads it as CSV and Excel',
    async () => {
      await hr.goto(`${server.url}/thu-nhap?donvi=stc-gia&ky=${quarter}`);
      await hr.getByRole('heading', { name: 'Thu nhập tăng thêm, tiền thưởng', level: 1 }).waitFor();
      const table = hr.getByTestId('income-table');
      await table.waitFor();
      // Tạ Thị Thuỷ, approved B in the demo: 80% of 2,340,000 a month, three months.
      expect(await table.textContent()).toContain('5.616.000');
      expect(await hr.getByTestId('income-total').textContent()).toBe('5.616.000');
      expect(await hr.getByText('không phải quyết định chi trả').count()).toBe(1);
      await audit(hr, '03-income-quarter');
      const [csv] = await Promise.all([
        hr.waitForEvent('download'),
        hr.getByRole('button', { name: 'Tải CSV' }).click(),
      ]);
      expect(csv.suggestedFilename()).toBe(`thu-nhap-stc-gia-${quarter}.csv`);
      const text = readFileSync((await csv.path()) ?? '', 'utf8');
      expect(text.startsWith('\uFEFF')).toBe(true);
      expect(text).toContain('stc-gia-01,Tạ Thị Thuỷ,,82,B,Hoàn thành tốt nhiệm vụ,5616000,5616000');
      const [xlsx] = await Promise.all([
        hr.waitForEvent('download'),
        hr.getByRole('button', { name: 'Tải Excel (XLSX)' }).click(),
      ]);
      expect(xlsx.suggestedFilename()).toBe(`thu-nhap-stc-gia-${quarter}.xlsx`);
      expect(
        readFileSync((await xlsx.path()) ?? '')
          .subarray(0, 2)
          .toString(),
      ).toBe('PK');
      // The year: the picker offers it beside the periods.
      await hr.getByLabel('Kỳ hoặc năm').selectOption(month.slice(0, 4));
      await hr.getByRole('columnheader', { name: /Tiền thưởng cuối năm/ }).waitFor({ state: 'attached' });
      await audit(hr, '04-income-year');
    },
    STEP,
  );

  it(
    'the period picker offers quarters beside months',
    async () => {
      await hr.goto(`${server.url}/ky-danh-gia?ky=${quarter}`);
      const picker = hr.getByLabel('Kỳ (tháng, quý)');
      await picker.waitFor();
      const options = await picker.locator('option').allTextContents();
      const q = Number(quarter.slice(-1));
      expect(options).toContain(`Quý ${['I', 'II', 'III', 'IV'][q - 1]}/${quarter.slice(0, 4)}`);
      expect(options).toContain(`Tháng ${Number(month.slice(5))}/${month.slice(0, 4)}`);
      await hr.getByRole('heading', { name: /Quý .*: đang mở/ }).waitFor();
      await audit(hr, '05-periods-quarter');
    },
    STEP,
  );

  it(
    'HR records an employee’s duty group',
    async () => {
      await hr.goto(`${server.url}/quan-tri/nhan-su?ma=stc-ns-01`);
      const group = hr.getByLabel(/Nhóm chức trách, nhiệm vụ tương đồng/);
      await group.waitFor();
      await group.fill('chuyen-vien');
      await hr.getByRole('button', { name: 'Lưu hồ sơ' }).click();
      await hr.getByText('Đã lưu hồ sơ Trịnh Thị Lan.').waitFor();
      await audit(hr, '06-employee-duty-group');
      await hr.reload();
      await expect
        .poll(() => hr.getByLabel(/Nhóm chức trách, nhiệm vụ tương đồng/).inputValue())
        .toBe('chuyen-vien');
    },
    STEP,
  );
});
