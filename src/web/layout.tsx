import type { ComponentChildren } from 'preact';
import { hasRole } from '../auth/principal.ts';
import { DOSSIER_ROLES } from '../auth/policies/dossier.policy.ts';
import { CsrfField } from './components/csrf-field.tsx';
import { DOCUMENT_ROLES } from './documents/document-roles.ts';
import { ROLE_LABELS } from './labels.ts';
import type { PageContext } from './page-context.ts';
import { assetUrl } from './static.ts';

interface NavItem {
  href: string;
  label: string;
}

/** The navigation a user gets: only what their roles may open. */
function navFor(page: PageContext): NavItem[] {
  const p = page.principal;
  // A citizen (no login): the public portal.
  if (!p) return [
    { href: '/thu-tuc', label: 'Thủ tục hành chính' },
    { href: '/tra-cuu', label: 'Tra cứu hồ sơ' },
  ];
  if (p.mustChangePassword) return [{ href: '/password', label: 'Đổi mật khẩu' }];
  const items: NavItem[] = [];
  if (hasRole(p, ...DOSSIER_ROLES, ...DOCUMENT_ROLES)) items.push({ href: '/workspace', label: 'Việc của tôi' });
  if (hasRole(p, ...DOSSIER_ROLES)) items.push({ href: '/dossiers', label: 'Danh sách hồ sơ' });
  if (hasRole(p, ...DOCUMENT_ROLES)) {
    items.push({ href: '/van-ban-den', label: 'Văn bản đến' });
    items.push({ href: '/van-ban-di', label: 'Văn bản đi' });
  }
  if (hasRole(p, 'onestop')) {
    items.push({ href: '/counter', label: 'Một cửa' });
    items.push({ href: '/counter/intake', label: 'Tiếp nhận hồ sơ' });
  }
  if (hasRole(p, 'onestop', 'director', 'admin')) items.push({ href: '/counter/log-book', label: 'Sổ theo dõi' });
  if (hasRole(p, 'admin')) items.push({ href: '/admin', label: 'Quản trị' });
  items.push({ href: '/sessions', label: 'Phiên đăng nhập' });
  items.push({ href: '/password', label: 'Đổi mật khẩu' });
  return items;
}

/**
 * The frame of every page: Vietnamese, the service's name, who is logged in with their roles, the
 * navigation and logout; one column on a phone. No inline script or style (the page CSP forbids them).
 */
export function Layout({ page, title, children }: { page: PageContext; title: string; children?: ComponentChildren }) {
  const p = page.principal;
  const nav = navFor(page);
  // The item the page belongs to: the longest address it is at or under (/counter/intake is not /counter).
  const current = nav
    .map((i) => i.href)
    .filter((href) => page.path === href || page.path.startsWith(`${href}/`))
    .sort((a, b) => b.length - a.length)[0];
  const roles = p ? p.roles.filter((r) => r !== 'staff' || p.roles.length === 1).map((r) => ROLE_LABELS[r]).join(', ') : '';
  return (
    <html lang="vi">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — idesk`}</title>
        <link rel="icon" type="image/svg+xml" href={assetUrl('favicon.svg')} />
        <link rel="stylesheet" href={assetUrl('app.css')} />
        <script src={assetUrl('forms.js')} defer />
      </head>
      <body>
        <a class="skip" href="#noi-dung">Bỏ qua, đến nội dung chính</a>
        <header class="site-header">
          <div class="bar">
            <a class="brand" href="/">
              idesk<small>Một cửa điện tử — Sở Công Thương</small>
            </a>
            {p && (
              <>
                <span class="who">
                  <strong>{p.fullName}</strong>
                  <span class="roles">{roles}</span>
                </span>
                <form class="inline-form" method="post" action="/logout">
                  <CsrfField token={page.sessionCsrf} />
                  <button class="link-button" type="submit">Đăng xuất</button>
                </form>
              </>
            )}
          </div>
          {nav.length > 0 && (
            <nav class="site-nav" aria-label="Điều hướng chính">
              <ul>
                {nav.map((item) => (
                  <li>
                    <a href={item.href} aria-current={item.href === current ? 'page' : undefined}>{item.label}</a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
        </header>
        <main id="noi-dung">
          <h1>{title}</h1>
          {children}
        </main>
        <footer class="site-footer">Hệ thống một cửa điện tử idesk · Giờ hiển thị theo múi giờ Việt Nam (UTC+07:00)</footer>
      </body>
    </html>
  );
}
