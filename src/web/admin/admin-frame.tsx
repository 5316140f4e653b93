import type { ComponentChildren } from 'preact';
import type { ActorRef } from '../../domain/audit/event-log.ts';
import type { Principal, Role } from '../../auth/principal.ts';
import { Notice } from '../components/notice.tsx';
import { Layout } from '../layout.tsx';
import type { PageContext } from '../page-context.ts';

/** Who may open the admin pages: the IT officer (Điều 14.3), as on the admin API. */
export const ADMIN_ONLY: readonly Role[] = ['admin'];

/** The admin acting, as the audit trail records them. */
export function actorOf(principal: Principal): ActorRef & { kind: 'user'; id: number } {
  return { kind: 'user', id: principal.userId };
}

const SECTIONS = [
  { href: '/admin/users', label: 'Tài khoản' },
  { href: '/admin/departments', label: 'Phòng ban' },
  { href: '/admin/procedures', label: 'Thủ tục' },
  { href: '/admin/calendar', label: 'Lịch làm việc' },
  { href: '/admin/backups', label: 'Sao lưu' },
  { href: '/admin/events', label: 'Nhật ký an ninh' },
];

/** Messages a redirect may ask an admin page to show (`?msg=`): fixed texts, nothing typed travels in a URL. */
const MESSAGES: Record<string, string> = {
  'user-updated': 'Đã cập nhật tài khoản.',
  'user-disabled': 'Đã khóa tài khoản; các phiên đăng nhập và khóa API của tài khoản đã kết thúc.',
  'user-enabled': 'Đã mở lại tài khoản.',
  'user-unlocked': 'Đã gỡ tạm khóa đăng nhập.',
  'department-created': 'Đã tạo phòng ban.',
  'department-renamed': 'Đã đổi tên phòng ban.',
  'procedure-created': 'Đã tạo thủ tục.',
  'procedure-rules': 'Đã ban hành quy định mới cho thủ tục.',
  'procedure-activated': 'Thủ tục đã được mở để tiếp nhận hồ sơ.',
  'procedure-deactivated': 'Thủ tục đã ngừng tiếp nhận hồ sơ mới.',
  'catalogue-imported': 'Đã nhập danh mục thủ tục.',
  'template-attached': 'Đã gắn mẫu đơn, tờ khai; quy định mới của thủ tục áp dụng từ bây giờ.',
  'override-saved': 'Đã lưu ngày điều chỉnh.',
  'override-removed': 'Đã xóa ngày điều chỉnh.',
  'backup-requested': 'Đã yêu cầu sao lưu; bản sao lưu đang chờ tiến trình bảo trì thực hiện.',
};

export function AdminFlash({ code }: { code: string | undefined }) {
  const text = code ? MESSAGES[code] : undefined;
  return text ? <Notice kind="ok">{text}</Notice> : null;
}

/** The frame of every admin page: the site's layout with the admin sections beneath the title. */
export function AdminLayout({ page, title, children }: { page: PageContext; title: string; children?: ComponentChildren }) {
  return (
    <Layout page={page} title={title}>
      <nav class="subnav" aria-label="Mục quản trị">
        <ul>
          <li>
            <a href="/admin" aria-current={page.path === '/admin' ? 'page' : undefined}>Tổng quan</a>
          </li>
          {SECTIONS.map((s) => (
            <li>
              <a href={s.href} aria-current={page.path === s.href || page.path.startsWith(`${s.href}/`) ? 'page' : undefined}>{s.label}</a>
            </li>
          ))}
        </ul>
      </nav>
      {children}
    </Layout>
  );
}

/** An admin home card. */
export const ADMIN_SECTIONS = SECTIONS;
