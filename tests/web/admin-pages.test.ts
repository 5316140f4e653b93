import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDepartment, buildUser, type TestUser } from '../support/factories.ts';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { checkPage, launchBrowser, logIn, navigating, newPerson } from './support/browser.ts';

/**
 * The admin pages in Debian's Chromium against the real app, database and Redis (issue 7 §2.6): the IT
 * officer manages accounts, departments, procedures, the calendar and backups, reads the security events
 * and opens Bull Board with the page session; everyone else gets the 403 page and changes nothing.
 * Every page passes axe-core and is photographed under tests/web/screenshots/.
 */
let app: TestApp;
let browser: Browser;
let specialist: TestUser;
let departmentId: number;

beforeAll(async () => {
  app = await startTestApp({ queues: true });
  browser = await launchBrowser();
  departmentId = (await buildDepartment(app, { code: 'QLTM', name: 'Phòng Quản lý thương mại' })).id;
  specialist = await buildUser(app, ['specialist'], departmentId);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function asAdmin() {
  const p = await newPerson(browser, app.url);
  await logIn(p.page, 'admin', ADMIN_PASSWORD);
  return p;
}

const path = (page: Page) => new URL(page.url()).pathname;
const mainText = (page: Page) => page.locator('main').innerText();
const userRow = (username: string) => app.deps.db('users').where({ username }).first();

async function submit(page: Page, name: string) {
  await navigating(page, () => page.getByRole('button', { name, exact: true }).click());
}

// Long journeys through several browsers: more room than the default on a shared, loaded machine.
describe('accounts', { timeout: 180_000 }, () => {
  it('an admin creates a user, who logs in with the initial password and must change it; the admin resets it, disables and enables the account', async () => {
    const { page } = await asAdmin();
    expect(path(page)).toBe('/admin');
    await checkPage(page, 'admin-home');

    await page.getByRole('link', { name: 'Tài khoản', exact: true }).first().click();
    await page.waitForURL('**/admin/users');
    await checkPage(page, 'admin-users');
    await navigating(page, () => page.getByRole('link', { name: 'Tạo tài khoản' }).click());

    // Refused: a username with blanks and capitals, no role ticked. Errors beside the fields, the rest kept.
    await page.getByLabel('Tên đăng nhập').fill('Nguyen Van A');
    await page.getByLabel('Họ và tên').fill('Nguyễn Văn An');
    await page.getByLabel('Thư điện tử').fill('an@sct.binhdinh.gov.vn');
    await page.getByLabel('Phòng ban').selectOption(String(departmentId));
    await page.getByLabel('Cán bộ').uncheck();
    await submit(page, 'Tạo tài khoản');
    expect(await page.locator('#username-error').innerText()).toContain('chữ thường không dấu');
    expect(await page.locator('#new-roles-error').innerText()).toContain('ít nhất một vai trò');
    expect(await page.getByLabel('Họ và tên').inputValue()).toBe('Nguyễn Văn An');
    expect(await page.getByLabel('Tên đăng nhập').inputValue()).toBe('Nguyen Van A');
    expect(await page.getByLabel('Phòng ban').inputValue()).toBe(String(departmentId));
    expect(await app.deps.db('users').where({ full_name: 'Nguyễn Văn An' }).first()).toBeUndefined();
    await checkPage(page, 'admin-user-new-errors');

    await page.getByLabel('Tên đăng nhập').fill('nguyen.van.an');
    await page.getByLabel('Chuyên viên').check();
    await submit(page, 'Tạo tài khoản');
    const initial = (await page.locator('#initial-password').innerText()).trim();
    expect(initial.length).toBeGreaterThanOrEqual(10);
    await checkPage(page, 'admin-user-created');
    const created = await userRow('nguyen.van.an');
    expect(created).toMatchObject({ full_name: 'Nguyễn Văn An', department_id: departmentId });
    expect(Boolean(created.must_change_password)).toBe(true);
    expect((await app.deps.db('user_roles').where({ user_id: created.id })).map((r) => r.role)).toEqual(['specialist']);
    // Shown once: never stored in clear.
    expect(JSON.stringify(await app.deps.db('events').where({ stream_type: 'user', stream_id: String(created.id) }))).not.toContain(initial);

    // The user logs in with it and is made to change it.
    const user = await newPerson(browser, app.url);
    await logIn(user.page, 'nguyen.van.an', initial);
    expect(path(user.page)).toBe('/password');
    await user.page.getByLabel('Mật khẩu hiện tại').fill(initial);
    await user.page.locator('#newPassword').fill('Mat-khau-rieng-2026');
    await user.page.getByLabel('Nhập lại mật khẩu mới').fill('Mat-khau-rieng-2026');
    await submit(user.page, 'Đổi mật khẩu');
    expect(path(user.page)).toBe('/workspace');

    // The admin resets it: a new initial password, the user's sessions end, the change is forced again.
    await page.goto(`/admin/users/${created.id}`);
    await checkPage(page, 'admin-user-detail');
    await submit(page, 'Cấp lại mật khẩu ban đầu');
    const second = (await page.locator('#initial-password').innerText()).trim();
    expect(second).not.toBe(initial);
    expect(Boolean((await userRow('nguyen.van.an')).must_change_password)).toBe(true);
    expect(await app.deps.db('sessions').where({ user_id: created.id }).whereNull('revoked_at').count({ n: '*' }).first()).toMatchObject({ n: 0 });
    await user.page.goto('/workspace');
    expect(path(user.page)).toBe('/login');
    await logIn(user.page, 'nguyen.van.an', second);
    expect(path(user.page)).toBe('/password');

    // Disable: the user cannot log in; enable: they can again.
    await page.goto(`/admin/users/${created.id}`);
    await submit(page, 'Khóa tài khoản');
    await expect.poll(() => mainText(page)).toContain('Đã khóa tài khoản');
    expect(Boolean((await userRow('nguyen.van.an')).disabled)).toBe(true);
    await user.page.context().clearCookies();
    await logIn(user.page, 'nguyen.van.an', second);
    expect(path(user.page)).toBe('/login');
    await submit(page, 'Mở lại tài khoản');
    await expect.poll(() => mainText(page)).toContain('Đã mở lại tài khoản');
    expect(Boolean((await userRow('nguyen.van.an')).disabled)).toBe(false);
    await logIn(user.page, 'nguyen.van.an', second);
    expect(path(user.page)).toBe('/password');

    // The list finds them by name, with their state.
    await page.goto('/admin/users?q=van.an');
    expect(await mainText(page)).toContain('1 tài khoản phù hợp');
    await user.context.close();
  });

  it('shows the last-admin refusal clearly and changes nothing; a role list left empty is refused beside it', async () => {
    const { page, context } = await asAdmin();
    const admin = await userRow('admin');
    await page.goto(`/admin/users/${admin.id}`);
    const before = await fingerprint(app.deps.db);
    await submit(page, 'Khóa tài khoản');
    expect(await page.getByRole('alert').innerText()).toContain('quản trị viên cuối cùng');
    await checkPage(page, 'admin-user-last-admin');

    await page.locator('#access-roles-error').count();
    await page.getByLabel('Quản trị hệ thống').uncheck();
    await page.getByLabel('Chuyên viên').check();
    await submit(page, 'Lưu vai trò và phòng ban');
    expect(await page.locator('#access-roles-error').innerText()).toContain('quản trị viên cuối cùng');
    // What was ticked stays ticked.
    expect(await page.getByLabel('Chuyên viên').isChecked()).toBe(true);
    expect(await page.getByLabel('Quản trị hệ thống').isChecked()).toBe(false);

    for (const role of ['Quản trị hệ thống', 'Chuyên viên', 'Cán bộ']) await page.getByLabel(role).uncheck();
    await submit(page, 'Lưu vai trò và phòng ban');
    expect(await page.locator('#access-roles-error').innerText()).toContain('ít nhất một vai trò');
    const after = await fingerprint(app.deps.db);
    expect({ ...after, sessions: [] }).toEqual({ ...before, sessions: [] });
    await context.close();
  });
});

describe('departments and procedures', { timeout: 180_000 }, () => {
  it('creates and renames a department, with errors beside the fields', async () => {
    const { page, context } = await asAdmin();
    await page.goto('/admin/departments');
    await page.locator('#new-code').fill('qlnl số 2');
    await page.locator('#new-name').fill('Phòng Quản lý năng lượng');
    await submit(page, 'Thêm phòng ban');
    expect(await page.locator('#new-code-error').innerText()).toContain('chữ in hoa');
    expect(await page.locator('#new-name').inputValue()).toBe('Phòng Quản lý năng lượng');
    expect(await app.deps.db('departments').where({ name: 'Phòng Quản lý năng lượng' }).first()).toBeUndefined();

    await page.locator('#new-code').fill('QLNL');
    await submit(page, 'Thêm phòng ban');
    const dept = await app.deps.db('departments').where({ code: 'QLNL' }).first();
    expect(dept.name).toBe('Phòng Quản lý năng lượng');

    await page.locator(`#dept-${dept.id}-name`).fill('   ');
    await navigating(page, () => page.locator(`#dept-${dept.id}-name`).press('Enter'));
    expect(await page.locator(`#dept-${dept.id}-name-error`).innerText()).toContain('Không được để trống');
    await page.locator(`#dept-${dept.id}-name`).fill('Phòng Quản lý năng lượng và kỹ thuật an toàn');
    await navigating(page, () => page.locator(`#dept-${dept.id}-name`).press('Enter'));
    await expect.poll(() => mainText(page)).toContain('Đã đổi tên phòng ban');
    expect((await app.deps.db('departments').where({ id: dept.id }).first()).name).toBe('Phòng Quản lý năng lượng và kỹ thuật an toàn');
    await checkPage(page, 'admin-departments');
    await context.close();
  });

  it('creates a procedure with its required papers, publishes new rules and closes it to new dossiers', async () => {
    const { page, context } = await asAdmin();
    await page.goto('/admin/procedures/new');
    await page.getByLabel('Mã thủ tục').fill('2.000633');
    await page.getByLabel('Tên thủ tục').fill('Cấp Giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh');
    await page.getByLabel('Phòng xử lý').selectOption(String(departmentId));
    await page.getByLabel('Thời hạn giải quyết (ngày làm việc)').fill('7');
    await page.getByLabel('Thu phí').selectOption('intake');
    await page.getByLabel('Mức thu (đồng)').fill('1200000');
    await page.getByLabel('Thành phần hồ sơ').fill('don-de-nghi | Đơn đề nghị cấp giấy phép | 1 | bản chính\nchi tiêu chất lượng');
    await submit(page, 'Thêm thủ tục');
    expect(await page.locator('#requiredPapers-error').innerText()).toContain('Dòng 2');
    expect(await page.getByLabel('Mức thu (đồng)').inputValue()).toBe('1200000');
    expect(await app.deps.db('procedures').where({ code: '2.000633' }).first()).toBeUndefined();
    await checkPage(page, 'admin-procedure-new-errors');

    await page.getByLabel('Thành phần hồ sơ').fill('don-de-nghi | Đơn đề nghị cấp giấy phép | 1 | bản chính\nchat-luong | Bản công bố chất lượng sản phẩm rượu');
    await submit(page, 'Thêm thủ tục');
    expect(path(page)).toMatch(/^\/admin\/procedures\/\d+$/);
    const proc = await app.deps.db('procedures').where({ code: '2.000633' }).first();
    expect(proc).toBeDefined();
    await checkPage(page, 'admin-procedure-detail');

    // New rules: 10 working days; a paper added.
    await page.getByLabel('Thời hạn giải quyết (ngày làm việc)').fill('0');
    await submit(page, 'Ban hành quy định mới');
    expect(await page.locator('#workingDays-error').innerText()).toContain('lớn hơn 0');
    expect(await app.deps.db('procedure_rules').where({ procedure_id: proc.id }).count({ n: '*' }).first()).toMatchObject({ n: 1 });
    await page.getByLabel('Thời hạn giải quyết (ngày làm việc)').fill('10');
    // Rules start now unless told: the test's clock must move for two sets not to start at one instant.
    app.clock.advance(60_000);
    await submit(page, 'Ban hành quy định mới');
    await expect.poll(() => mainText(page)).toContain('Đã ban hành quy định mới');
    expect(await mainText(page)).toContain('10 ngày làm việc');
    const rules = await app.deps.db('procedure_rules').where({ procedure_id: proc.id }).orderBy('id');
    expect(rules.map((r) => Number(r.working_days))).toEqual([7, 10]);
    expect(typeof rules[1].required_papers === 'string' ? JSON.parse(rules[1].required_papers) : rules[1].required_papers).toEqual([
      { code: 'don-de-nghi', name: 'Đơn đề nghị cấp giấy phép', copies: 1, original: true },
      { code: 'chat-luong', name: 'Bản công bố chất lượng sản phẩm rượu' },
    ]);

    await submit(page, 'Ngừng tiếp nhận hồ sơ mới');
    expect(Boolean((await app.deps.db('procedures').where({ id: proc.id }).first()).active)).toBe(false);
    await submit(page, 'Mở lại tiếp nhận hồ sơ');
    expect(Boolean((await app.deps.db('procedures').where({ id: proc.id }).first()).active)).toBe(true);
    await page.goto('/admin/procedures');
    await checkPage(page, 'admin-procedures');
    await context.close();
  });
});

describe('calendar, backups, events, queues', { timeout: 180_000 }, () => {
  it('adds a calendar override, sees it in the list and removes it; a bad date shows beside its field', async () => {
    const { page, context } = await asAdmin();
    await page.goto('/admin/calendar?year=2026');
    expect(await mainText(page)).toContain('Lịch chính thức');
    await checkPage(page, 'admin-calendar');

    await page.locator('#date').fill('1999-11-20');
    await page.getByLabel('Tên, căn cứ').fill('Ngày Nhà giáo Việt Nam');
    await submit(page, 'Lưu ngày điều chỉnh');
    expect(await page.locator('#date-error').innerText()).toContain('ngoài phạm vi');
    expect(await page.getByLabel('Tên, căn cứ').inputValue()).toBe('Ngày Nhà giáo Việt Nam');
    expect(await app.deps.db('calendar_overrides').count({ n: '*' }).first()).toMatchObject({ n: 0 });
    await checkPage(page, 'admin-calendar-error');

    await page.locator('#date').fill('2026-11-20');
    await submit(page, 'Lưu ngày điều chỉnh');
    await expect.poll(() => mainText(page)).toContain('Đã lưu ngày điều chỉnh');
    const overrides = page.locator('section[aria-labelledby=overrides-h]');
    expect(await overrides.innerText()).toContain('Thứ Sáu, 20/11/2026');
    expect(await overrides.innerText()).toContain('Ngày Nhà giáo Việt Nam');
    expect(await app.deps.db('calendar_overrides').where({ date: '2026-11-20' }).first()).toMatchObject({ kind: 'holiday' });
    // The calendar in use has it too.
    expect((await app.deps.calendar.current()).daysOff(2026).some((d) => d.date === '2026-11-20' && !d.working)).toBe(true);

    await submit(page, 'Xóa ngày điều chỉnh Thứ Sáu, 20/11/2026');
    await expect.poll(() => mainText(page)).toContain('Đã xóa ngày điều chỉnh');
    expect(await app.deps.db('calendar_overrides').count({ n: '*' }).first()).toMatchObject({ n: 0 });
    await context.close();
  });

  it('starts a backup and sees it listed', async () => {
    const { page, context } = await asAdmin();
    await page.goto('/admin/backups');
    expect(await mainText(page)).toContain('Chưa có bản sao lưu nào');
    await submit(page, 'Sao lưu ngay');
    await expect.poll(() => mainText(page)).toContain('Đã yêu cầu sao lưu');
    const rows = await app.deps.db('backups');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'manual', status: 'queued' });
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody').innerText()).toContain('Đang chờ');
    await checkPage(page, 'admin-backups');
    await context.close();
  });

  it('reads the security events with filters, a bad filter shown beside its field', async () => {
    const { page, context } = await asAdmin();
    await page.goto('/admin/events?category=security');
    expect(await page.locator('tbody').innerText()).toContain('Đăng nhập');
    await checkPage(page, 'admin-events');
    await page.getByLabel('Người thực hiện (số tài khoản)').fill('mot');
    await submit(page, 'Lọc');
    expect(await page.locator('#actorId-error').innerText()).toContain('số tài khoản');
    expect(await page.getByLabel('Người thực hiện (số tài khoản)').inputValue()).toBe('mot');
    await context.close();
  });

  it('opens Bull Board with the page session; sends a browser without one to the login page', async () => {
    const { page, context } = await asAdmin();
    await page.goto('/admin');
    await navigating(page, () => page.getByRole('link', { name: 'Bảng theo dõi hàng đợi (Bull Board)' }).click());
    expect(path(page)).toMatch(/^\/admin\/queues/);
    await expect.poll(() => page.locator('#root').innerText(), { timeout: 15_000 }).toContain('deadlines');
    await page.screenshot({ path: 'tests/web/screenshots/admin-queues.png' });
    await context.close();

    const anonymous = await newPerson(browser, app.url);
    await anonymous.page.goto('/admin/queues');
    expect(path(anonymous.page)).toBe('/login');
    expect(new URL(anonymous.page.url()).searchParams.get('next')).toBe('/admin/queues');
    await anonymous.context.close();
  });
});

describe('everyone but the admin', { timeout: 180_000 }, () => {
  it('gets the 403 page on every admin address, and a refused form changes nothing', async () => {
    const { page, context } = await newPerson(browser, app.url);
    await logIn(page, specialist.username, specialist.password);
    const proc = await app.deps.db('procedures').first('id');
    const gets = ['/admin', '/admin/users', '/admin/users/new', '/admin/users/1', '/admin/departments', '/admin/procedures', '/admin/procedures/new', `/admin/procedures/${proc?.id ?? 1}`, '/admin/calendar', '/admin/backups', '/admin/events', '/admin/queues'];
    for (const url of gets) {
      const res = await page.goto(url);
      expect(res?.status(), url).toBe(403);
      expect(await page.locator('h1').innerText(), url).toBe('Không có quyền truy cập');
    }
    await checkPage(page, 'admin-forbidden');
    expect(await page.locator('nav.site-nav').innerText()).not.toContain('Quản trị');

    const before = await fingerprint(app.deps.db);
    const posts: Array<[string, Record<string, string>]> = [
      ['/admin/users', { username: 'ke.gian', fullName: 'Kẻ gian', 'role-admin': 'on' }],
      ['/admin/users/1/access', { 'role-specialist': 'on' }],
      ['/admin/users/1/disable', {}],
      ['/admin/users/1/password', {}],
      ['/admin/departments', { code: 'XX', name: 'Phòng giả' }],
      [`/admin/departments/${departmentId}/rename`, { name: 'Đổi tên' }],
      ['/admin/procedures', { code: '9.9', name: 'Giả', departmentId: String(departmentId), workingDays: '1' }],
      ['/admin/calendar/overrides', { date: '2026-12-01', kind: 'holiday' }],
      ['/admin/backups', {}],
    ];
    for (const [url, form] of posts) {
      // With the page's own anti-forgery token: the role is what refuses it.
      const res = await context.request.post(url, { form, maxRedirects: 0 });
      expect(res.status(), url).toBe(403);
      expect(await res.text(), url).toContain('Không có quyền truy cập');
    }
    expect({ ...(await fingerprint(app.deps.db)), sessions: [] }).toEqual({ ...before, sessions: [] });
    await context.close();
  });
});
