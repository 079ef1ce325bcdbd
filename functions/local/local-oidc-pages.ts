/**
 * The local OpenID provider's pages, in Vietnamese: choose an account (a demo account, or any employee id), the
 * sign-out step, errors. Plain HTML forms, no script except the one line that submits a sign-out the app asked
 * for; each page carries its own Content-Security-Policy with a fresh nonce for its style (and that script).
 */
import { randomBytes } from 'node:crypto';

export interface DemoChoice {
  role: string;
  employeeId: string;
  groups: readonly string[];
}

export interface LoginPageInput {
  /** Where the forms post: `/oidc/interaction/<uid>/login`. */
  action: string;
  abortUrl: string;
  clientName: string;
  demoAccounts: readonly DemoChoice[];
  /** The table the employees are looked up in, shown so the developer knows which data they sign in against. */
  tableName: string | null;
  /** This origin and the app's registered origins (where the sign-in ends). */
  formAction: readonly string[];
  error?: string;
  typed?: { employeeId: string; groups: readonly string[] };
}

export interface Page {
  status: number;
  html: string;
  csp: string;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const STYLE = `
:root{--brand:#8b1a1a;--ink:#1d1d1f;--muted:#55585e;--line:#d6d8dc;--bg:#f4f5f7;--warn:#7a4b00;--warn-bg:#fff3d6;--bad:#9b1c1c;--bad-bg:#fde8e8;--focus:#1a5fd0}
*{box-sizing:border-box}html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;line-height:1.5;color:var(--ink);background:var(--bg)}
body{margin:0}main{max-width:40rem;margin:0 auto;padding:1rem}
header{background:var(--brand);color:#fff;padding:.75rem 1rem}header p{margin:0;font-weight:600}
h1{font-size:1.4rem;margin:.5rem 0 .75rem}h2{font-size:1.1rem;margin:0 0 .5rem}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:1rem;margin:0 0 1rem}
.notice{background:var(--warn-bg);color:var(--warn);border-radius:6px;padding:.75rem;margin:0 0 1rem}
.error{background:var(--bad-bg);color:var(--bad);border-radius:6px;padding:.75rem;margin:0 0 1rem}
ul{list-style:none;margin:0;padding:0}li{margin:0 0 .5rem}
button{font:inherit;min-height:44px;cursor:pointer}
.account{width:100%;text-align:left;background:#fff;border:1px solid var(--line);border-radius:6px;padding:.5rem .75rem;display:flex;flex-direction:column}
.account:hover{border-color:var(--brand)}.role{font-weight:600}.id{color:var(--muted);font-size:.9rem}
.primary{background:var(--brand);color:#fff;border:0;border-radius:6px;padding:.5rem 1.25rem}
label{display:block;font-weight:600;margin:0 0 .25rem}input[type=text]{font:inherit;width:100%;padding:.5rem;border:1px solid #8a8d93;border-radius:6px;min-height:44px}
fieldset{border:0;padding:0;margin:.75rem 0}legend{font-weight:600;padding:0}fieldset label{font-weight:400;display:flex;gap:.5rem;align-items:center;min-height:44px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}.muted{color:var(--muted)}a{color:var(--brand)}`;

function page(
  title: string,
  body: string,
  options: { status?: number; script?: string; formAction?: readonly string[] } = {},
): Page {
  const nonce = randomBytes(16).toString('base64');
  const script = options.script ? `<script nonce="${nonce}">${options.script}</script>` : '';
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    ...(options.script ? [`script-src 'nonce-${nonce}'`] : []),
    // The forms post here, and the provider then redirects to the app: Chromium checks that whole chain.
    `form-action ${options.formAction && options.formAction.length > 0 ? options.formAction.join(' ') : "'none'"}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const html = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Máy chủ đăng nhập trên máy</title><style nonce="${nonce}">${STYLE}</style></head>
<body><header><p>Máy chủ đăng nhập OpenID Connect trên máy (npm start)</p></header>
<main>${body}</main>${script}</body></html>`;
  return { status: options.status ?? 200, html, csp };
}

const DEV_NOTICE = `<p class="notice" role="note"><strong>Chỉ dùng trên máy phát triển.</strong> Không có mật khẩu: ai mở được
trang này đều đăng nhập được bằng bất kỳ mã nhân sự nào. Trên AWS, người dùng đăng nhập qua hệ thống đăng nhập
một lần (SSO) của thành phố hoặc Amazon Cognito, có mật khẩu và xác thực hai lớp.</p>`;

export function loginPage(input: LoginPageInput): Page {
  const typed = input.typed ?? { employeeId: '', groups: [] };
  const checked = (group: string) => (typed.groups.includes(group) ? ' checked' : '');
  const accounts = input.demoAccounts
    .map(
      (a) => `<li><button type="submit" class="account" name="account" value="${escapeHtml(a.employeeId)}"
 data-employee-id="${escapeHtml(a.employeeId)}"><span class="role">${escapeHtml(a.role)}</span>
<span class="id">${escapeHtml(a.employeeId)}${a.groups.length > 0 ? ` · nhóm ${escapeHtml(a.groups.join(', '))}` : ''}</span></button></li>`,
    )
    .join('\n');
  const where = input.tableName ? ` (bảng <code>${escapeHtml(input.tableName)}</code>)` : '';
  const body = `<h1>Đăng nhập</h1>
<p>Đăng nhập vào <strong>${escapeHtml(input.clientName)}</strong>.</p>
${DEV_NOTICE}
${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
<section class="card" aria-labelledby="demo-title"><h2 id="demo-title">Tài khoản mẫu</h2>
<form method="post" action="${escapeHtml(input.action)}"><ul class="accounts">
${accounts}
</ul></form></section>
<section class="card" aria-labelledby="other-title"><h2 id="other-title">Mã nhân sự khác</h2>
<p class="muted">Bất kỳ nhân sự nào có trong dữ liệu${where}, ví dụ <code>stc-gia-tp</code>.</p>
<form method="post" action="${escapeHtml(input.action)}">
<label for="employee-id">Mã nhân sự</label>
<input type="text" id="employee-id" name="employeeId" value="${escapeHtml(typed.employeeId)}" required
 pattern="[A-Za-z0-9._\\-]{1,64}" autocomplete="username" spellcheck="false">
<fieldset><legend>Nhóm quyền (trên AWS do quản trị viên gán)</legend>
<label><input type="checkbox" name="group" value="hr"${checked('hr')}> Tổ chức cán bộ (hr)</label>
<label><input type="checkbox" name="group" value="admin"${checked('admin')}> Quản trị (admin)</label>
</fieldset>
<button type="submit" class="primary">Đăng nhập</button>
</form></section>
<p><a href="${escapeHtml(input.abortUrl)}">Hủy đăng nhập</a></p>`;
  return page('Đăng nhập', body, { status: input.error ? 400 : 200, formAction: input.formAction });
}

/**
 * The provider's sign-out step. When the app asked with a valid `id_token_hint` the session ends at once (the
 * form submits itself, as a city's SSO does); otherwise the user confirms.
 */
export function logoutPage(form: string, automatic: boolean, formAction: readonly string[]): Page {
  const withLogout = form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>');
  const body = `<h1>Đăng xuất</h1>
${automatic ? '<p role="status">Đang đăng xuất…</p>' : '<p>Đăng xuất khỏi máy chủ đăng nhập trên máy?</p>'}
${withLogout}
<p><button type="submit" class="primary" form="op.logoutForm" autofocus>Đăng xuất</button></p>`;
  return page(
    'Đăng xuất',
    body,
    automatic ? { script: "document.getElementById('op.logoutForm').submit();", formAction } : { formAction },
  );
}

export function loggedOutPage(appUrl: string): Page {
  return page(
    'Đã đăng xuất',
    `<h1>Đã đăng xuất</h1><p>Bạn đã đăng xuất khỏi máy chủ đăng nhập trên máy.</p>
<p><a href="${escapeHtml(appUrl)}">Về ứng dụng đánh giá</a></p>`,
  );
}

export function errorPage(message: string, appUrl: string, status = 400): Page {
  return page(
    'Không đăng nhập được',
    `<h1>Không đăng nhập được</h1><p class="error" role="alert">${escapeHtml(message)}</p>
<p><a href="${escapeHtml(appUrl)}">Về ứng dụng đánh giá và đăng nhập lại</a></p>`,
    { status },
  );
}
