import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDepartment, buildDossier, buildUser, buildWorld, loginAs, type TestUser, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { checkPage, DESKTOP, launchBrowser, logIn, navigating, newPerson, PHONE } from './support/browser.ts';

/**
 * The staff pages in Debian's Chromium against the real app and database (issue 7 §2.1, §2.3, §2.4,
 * §3): login with the forced password change, the flow lead → specialist → lead → director each in a
 * browser of their own, a stale action, forged forms refused, the workspace's overdue dossiers first.
 * Every main page passes axe-core and is photographed under tests/web/screenshots/.
 */
let app: TestApp;
let w: World;
let browser: Browser;
const blockedRequests: string[] = [];
/** A browser test walks several pages in several browsers: on a loaded two-core machine it takes a while. */
const SLOW = { timeout: 240_000 };

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function person(viewport = DESKTOP) {
  const p = await newPerson(browser, app.url, viewport);
  blockedRequests.push(...p.blocked);
  return p;
}

async function dossierRow(id: number) {
  return app.deps.db('dossiers').where({ id }).first('state', 'version', 'assignee_id');
}

/** Opens an action's form on the dossier page (a <details> per allowed event). */
async function openAction(page: Page, type: string) {
  await page.locator(`details#ev-${type.toLowerCase()} > summary`).click();
}

async function submitAction(page: Page, type: string) {
  await navigating(page, () => page.locator(`#ev-${type.toLowerCase()} button[type=submit]`).click());
}

describe('login', () => {
  it('asks for the forced password change first, then opens the workspace; sessions can be listed and logout ends the session', SLOW, async () => {
    const dept = await buildDepartment(app, { name: 'Phòng Kỹ thuật an toàn' });
    const newcomer = await buildUser(app, ['specialist'], dept.id, { mustChangePassword: true });
    const { page, context } = await person();

    await page.goto('/workspace');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/workspace');
    await checkPage(page, 'login');

    await logIn(page, newcomer.username, 'not-the-password-1');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Sai tên đăng nhập hoặc mật khẩu');
    // The username stays; the password never comes back.
    expect(await page.getByLabel('Tên đăng nhập').inputValue()).toBe(newcomer.username);
    expect(await page.getByLabel('Mật khẩu').inputValue()).toBe('');
    await checkPage(page, 'login-error');

    await logIn(page, newcomer.username, newcomer.password);
    expect(new URL(page.url()).pathname).toBe('/password');
    await expect.poll(() => page.locator('main').textContent()).toContain('Bạn cần đổi mật khẩu trước khi làm việc');
    await checkPage(page, 'password-forced');
    // Nothing else opens until then.
    await page.goto('/dossiers');
    expect(new URL(page.url()).pathname).toBe('/password');

    await page.getByLabel('Mật khẩu hiện tại').fill(newcomer.password);
    await page.locator('#newPassword').fill('ngan1');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('ngan1');
    await navigating(page, () => page.getByRole('button', { name: 'Đổi mật khẩu' }).click());
    await expect.poll(() => page.locator('#newPassword-error').textContent()).toContain('cần ít nhất 10 ký tự');
    expect(await page.locator('#newPassword').getAttribute('aria-invalid')).toBe('true');
    const stillForced = await app.deps.db('users').where({ id: newcomer.id }).first('must_change_password');
    expect(Boolean(stillForced.must_change_password)).toBe(true);
    await checkPage(page, 'password-error');

    const fresh = 'Mat-khau-moi-2026';
    await page.getByLabel('Mật khẩu hiện tại').fill(newcomer.password);
    await page.locator('#newPassword').fill(fresh);
    await page.getByLabel('Nhập lại mật khẩu mới').fill(fresh);
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.waitForURL('**/workspace');
    const changed = await app.deps.db('users').where({ id: newcomer.id }).first('must_change_password');
    expect(Boolean(changed.must_change_password)).toBe(false);
    // The header names the user and the role.
    expect(await page.locator('.who').textContent()).toContain(`Cán bộ ${newcomer.username}`);
    expect(await page.locator('.who').textContent()).toContain('Chuyên viên');

    // The session cookie is out of reach of scripts and of other sites.
    const cookie = (await context.cookies()).find((c) => c.name === 'idesk_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');

    await page.goto('/sessions');
    await expect.poll(() => page.locator('table').textContent()).toContain('Phiên này');
    await checkPage(page, 'sessions');

    await page.getByRole('button', { name: 'Đăng xuất' }).first().click();
    await page.waitForURL('**/login?msg=logged-out');
    expect(await page.getByRole('status').textContent()).toContain('Bạn đã đăng xuất');
    const open = await app.deps.db('sessions').where({ user_id: newcomer.id }).whereNull('revoked_at').andWhere('expires_at', '>', app.clock.now().toISOString());
    // buildUser's own session (opened by the factory) was ended by the password change; the browser's by logout.
    expect(open).toHaveLength(0);
    await page.goto('/workspace');
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });

  it('a session listed on the page can be ended from another browser', SLOW, async () => {
    const a = await person();
    const b = await person();
    await logIn(a.page, w.specialist2.username, w.specialist2.password);
    await logIn(b.page, w.specialist2.username, w.specialist2.password);
    await b.page.goto('/sessions');
    const others = b.page.locator('tr', { hasNot: b.page.locator('.badge-ok') }).getByRole('button', { name: 'Kết thúc phiên' });
    const before = await others.count();
    expect(before).toBeGreaterThanOrEqual(2);
    // End every session but this one: browser A is logged out.
    for (let i = 0; i < before; i++) {
      await navigating(b.page, () => others.first().click());
      expect(b.page.url()).toContain('/sessions?msg=session-revoked');
    }
    await a.page.goto('/workspace');
    expect(new URL(a.page.url()).pathname).toBe('/login');
    await a.context.close();
    await b.context.close();
    // The factory's API session was among them.
    w.specialist2.token = (await loginAs(app, w.specialist2.username, w.specialist2.password)).token;
  });

  it('unknown addresses get the Vietnamese 404 page; the API keeps its JSON errors', SLOW, async () => {
    const { page, context } = await person();
    await logIn(page, w.director.username, w.director.password);
    const res = await page.goto('/khong-co-trang-nay');
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Không tìm thấy trang');
    await checkPage(page, 'not-found');
    const missing = await page.goto('/dossiers/999999');
    expect(missing?.status()).toBe(404);
    const api = await context.request.get('/api/nothing-here');
    expect(api.status()).toBe(404);
    expect((await api.json()).error.code).toBe('NOT_FOUND');
    expect(api.headers()['content-security-policy']).toMatch(/^default-src 'none'/);
    expect(res?.headers()['content-security-policy']).toBe("default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'");
    await context.close();
  });
});

describe('a dossier through the department, each person in their own browser', () => {
  it('the lead assigns, the specialist verifies, the lead proposes, the director approves', SLOW, async () => {
    const d = await buildDossier(w, { state: 'inDepartment.review' });
    const lead = await person();
    const specialist = await person();
    const director = await person(PHONE);

    // The lead finds it in "Việc của tôi" and assigns it.
    await logIn(lead.page, w.lead.username, w.lead.password);
    expect(new URL(lead.page.url()).pathname).toBe('/workspace');
    await navigating(lead.page, () => lead.page.getByRole('link', { name: d.code }).click());
    expect(new URL(lead.page.url()).pathname).toBe(`/dossiers/${d.id}`);
    // Only the lead's actions: assign and the apology, nothing of the specialist's or the director's.
    const leadActions = await lead.page.locator('details > summary').allTextContents();
    expect(leadActions).toContain('Phân công');
    for (const theirs of ['Xác nhận đủ điều kiện', 'Trình lãnh đạo Sở', 'Phê duyệt', 'Tiếp nhận hồ sơ']) expect(leadActions).not.toContain(theirs);
    await checkPage(lead.page, 'dossier-detail-lead');
    await openAction(lead.page, 'ASSIGN');
    await lead.page.locator('#ev-assign-assigneeId').selectOption(String(w.specialist.id));
    await submitAction(lead.page, 'ASSIGN');
    expect(await lead.page.getByRole('status').first().textContent()).toContain('Đã thực hiện: Phân công');
    expect((await dossierRow(d.id)).assignee_id).toBe(w.specialist.id);

    // The specialist verifies.
    await logIn(specialist.page, w.specialist.username, w.specialist.password);
    await checkPage(specialist.page, 'workspace-specialist');
    await navigating(specialist.page, () => specialist.page.getByRole('link', { name: d.code }).click());
    await openAction(specialist.page, 'VERIFY');
    await specialist.page.locator('#ev-verify-opinion').fill('Hồ sơ đầy đủ, đủ điều kiện cấp phép.');
    await specialist.page.locator('#ev-verify-proposedResult').selectOption('grant');
    await submitAction(specialist.page, 'VERIFY');
    expect((await dossierRow(d.id)).state).toBe('inDepartment.leadReview');

    // The lead proposes; a missing opinion is refused beside its field and the choice made stays.
    await lead.page.reload();
    await openAction(lead.page, 'PROPOSE');
    await lead.page.locator('#ev-propose-proposedResult').selectOption('grant');
    await submitAction(lead.page, 'PROPOSE');
    expect(await lead.page.locator('#ev-propose-opinion-error').textContent()).toBe('Bắt buộc nhập.');
    expect(await lead.page.locator('#ev-propose-proposedResult').inputValue()).toBe('grant');
    expect((await dossierRow(d.id)).state).toBe('inDepartment.leadReview');
    await checkPage(lead.page, 'dossier-detail-form-error');
    await lead.page.locator('#ev-propose-opinion').fill('Đề nghị cấp giấy phép.');
    await submitAction(lead.page, 'PROPOSE');
    expect((await dossierRow(d.id)).state).toBe('leadershipApproval');

    // The director approves, on a phone.
    await logIn(director.page, w.director.username, w.director.password);
    await checkPage(director.page, 'workspace-director-phone');
    await navigating(director.page, () => director.page.getByRole('link', { name: d.code }).click());
    await openAction(director.page, 'APPROVE');
    await submitAction(director.page, 'APPROVE');
    expect((await dossierRow(d.id)).state).toBe('awaitingPayment');
    expect(await director.page.locator('main').textContent()).toContain('Chờ thực hiện nghĩa vụ tài chính');
    // The timeline tells it in Vietnamese, with who did what.
    const timeline = await director.page.locator('section[aria-labelledby="lich-su"]').textContent();
    for (const text of ['Tiếp nhận hồ sơ', 'Phân công chuyên viên', 'Chuyên viên thẩm định đạt', 'Lãnh đạo phòng trình lãnh đạo Sở', 'Lãnh đạo Sở phê duyệt', `Cán bộ ${w.lead.username}`]) {
      expect(timeline).toContain(text);
    }
    await checkPage(director.page, 'dossier-detail-director-phone');
    for (const p of [lead, specialist, director]) await p.context.close();
  });

  it('a stale action says someone acted first and shows the current state, changing nothing', SLOW, async () => {
    const d = await buildDossier(w, { state: 'leadershipApproval' });
    const director = await person();
    await logIn(director.page, w.director.username, w.director.password);
    await director.page.goto(`/dossiers/${d.id}`);
    await openAction(director.page, 'APPROVE');
    // Meanwhile the one-stop unit stops the dossier.
    const stop = await w.http.post(`/api/dossiers/${d.id}/events`, { type: 'STOP', version: d.version, reason: 'Theo đề nghị của cơ quan có thẩm quyền' }, { token: w.onestop.token });
    expect(stop.status).toBe(200);
    const before = await fingerprint(app.deps.db);
    await submitAction(director.page, 'APPROVE');
    const alert = await director.page.getByRole('alert').first().textContent();
    expect(alert).toContain('Hồ sơ vừa được người khác xử lý trước bạn');
    expect(alert).toContain('Dừng xử lý');
    // The page shows the dossier as it is now, without the approval.
    expect(await director.page.locator('details > summary').count()).toBe(0);
    expect(await fingerprint(app.deps.db)).toEqual(before);
    await checkPage(director.page, 'dossier-detail-stale');
    await director.context.close();
  });
});

describe('forged forms', () => {
  it('a form without the anti-forgery token, or with another session’s, is refused with 403 and changes nothing', SLOW, async () => {
    const d = await buildDossier(w, { state: 'inDepartment.review' });
    const lead = await person();
    const other = await person();
    await logIn(lead.page, w.lead.username, w.lead.password);
    await logIn(other.page, w.otherLead.username, w.otherLead.password);
    await other.page.goto('/sessions');
    const othersToken = await other.page.locator('input[name=_csrf]').first().inputValue();
    await lead.page.goto(`/dossiers/${d.id}`);
    const ownToken = await lead.page.locator('input[name=_csrf]').first().inputValue();
    expect(othersToken).not.toBe(ownToken);

    const before = await fingerprint(app.deps.db);
    const form = { type: 'ASSIGN', version: String(d.version), assigneeId: String(w.specialist.id) };
    // One character off (never the token itself: a token may end in 0).
    const tampered = `${ownToken.slice(0, -1)}${ownToken.endsWith('0') ? '1' : '0'}`;
    for (const token of [undefined, '', othersToken, tampered]) {
      const res = await lead.context.request.post(`/dossiers/${d.id}/events`, { form: token === undefined ? form : { ...form, _csrf: token }, maxRedirects: 0 });
      expect(res.status(), String(token)).toBe(403);
      expect(await res.text()).toContain('Không có quyền truy cập');
    }
    // Logging out needs the token too.
    expect((await lead.context.request.post('/logout', { form: {}, maxRedirects: 0 })).status()).toBe(403);
    expect(await fingerprint(app.deps.db)).toEqual(before);
    await lead.page.goto(`/dossiers/${d.id}`);
    expect(new URL(lead.page.url()).pathname).toBe(`/dossiers/${d.id}`);

    // The refusal as the user sees it: a page whose token was tampered with.
    await lead.page.evaluate(() => document.querySelectorAll<HTMLInputElement>('input[name=_csrf]').forEach((i) => (i.value = 'gia-mao')));
    await openAction(lead.page, 'ASSIGN');
    await lead.page.locator('#ev-assign-assigneeId').selectOption(String(w.specialist.id));
    await submitAction(lead.page, 'ASSIGN');
    expect(await lead.page.locator('h1').textContent()).toBe('Không có quyền truy cập');
    await checkPage(lead.page, 'csrf-refused');
    expect(await fingerprint(app.deps.db)).toEqual(before);
    // The token that belongs to the page goes through.
    const ok = await lead.context.request.post(`/dossiers/${d.id}/events`, { form: { ...form, _csrf: ownToken }, maxRedirects: 0 });
    expect(ok.status()).toBe(303);
    expect((await dossierRow(d.id)).assignee_id).toBe(w.specialist.id);
    await lead.context.close();
    await other.context.close();
  });

  it('the login form needs its token too', SLOW, async () => {
    const { context } = await person();
    const res = await context.request.post('/login', { form: { username: w.lead.username, password: w.lead.password }, maxRedirects: 0 });
    expect(res.status()).toBe(403);
    expect((await context.cookies()).find((c) => c.name === 'idesk_session')).toBeUndefined();
    await context.close();
  });
});

describe('workspace and lists', () => {
  it('"Việc của tôi" lists overdue dossiers first with their count; the list filters by state and overdue', SLOW, async () => {
    const world = await buildWorld(app);
    const late = await buildDossier(world, { state: 'inDepartment.review', procedure: 'noLead' });
    // Ten working days on: the first dossier's step is long past its due instant.
    app.clock.advance(14 * 24 * 3_600_000);
    const relogin = async (u: TestUser) => {
      u.token = (await loginAs(app, u.username, u.password)).token;
    };
    for (const u of [world.onestop, world.lead, world.specialist, world.director]) await relogin(u);
    const fresh = await buildDossier(world, { state: 'inDepartment.review', procedure: 'noFee' });

    const lead = await person();
    await logIn(lead.page, world.lead.username, world.lead.password);
    const rows = lead.page.locator('section[aria-labelledby="ho-so-cho-toi"] tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain(late.code);
    expect(await rows.nth(0).textContent()).toContain('Quá hạn');
    expect(await rows.nth(1).textContent()).toContain(fresh.code);
    expect(await rows.nth(1).textContent()).not.toContain('Quá hạn');
    const counts = await lead.page.locator('.counts').textContent();
    expect(counts).toContain('2 hồ sơ chờ tôi xử lý');
    expect(counts).toContain('1 hồ sơ quá hạn');
    await checkPage(lead.page, 'workspace-lead');

    await lead.page.goto('/dossiers');
    await lead.page.getByLabel('Hạn xử lý').selectOption('true');
    await navigating(lead.page, () => lead.page.getByRole('button', { name: 'Lọc' }).click());
    const listed = lead.page.locator('tbody tr');
    expect(await listed.count()).toBe(1);
    expect(await listed.first().textContent()).toContain(late.code);
    expect(await lead.page.getByLabel('Hạn xử lý').inputValue()).toBe('true');
    await checkPage(lead.page, 'dossier-list-filtered');

    // A range that ends before it starts is refused beside the field, keeping what was typed.
    await lead.page.goto('/dossiers?receivedFrom=2026-03-20&receivedTo=2026-03-01&codePrefix=H37');
    expect(await lead.page.locator('#receivedTo-error').textContent()).toContain('Không được trước ngày bắt đầu');
    expect(await lead.page.getByLabel('Mã hồ sơ (bắt đầu bằng)').inputValue()).toBe('H37');
    await checkPage(lead.page, 'dossier-list-error');

    // Phone-sized: the table stacks into cards and stays usable.
    const phone = await person(PHONE);
    await logIn(phone.page, world.lead.username, world.lead.password);
    await phone.page.goto('/dossiers');
    const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await checkPage(phone.page, 'dossier-list-phone');
    await phone.context.close();
    await lead.context.close();
  });

  it('no page asked for anything outside the test server', () => {
    expect(blockedRequests).toEqual([]);
  });
});
