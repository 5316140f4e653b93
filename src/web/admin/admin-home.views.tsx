import type { EmailTransportStatus } from '../../domain/notifications/email-transport.ts';
import type { PageContext } from '../page-context.ts';
import { AdminLayout } from './admin-frame.tsx';

const CARDS = [
  { href: '/admin/users', title: 'Tài khoản', text: 'Tạo tài khoản, cấp lại mật khẩu, vai trò và phòng ban, khóa và mở khóa.' },
  { href: '/admin/departments', title: 'Phòng ban', text: 'Danh sách, thêm và đổi tên phòng ban.' },
  { href: '/admin/procedures', title: 'Thủ tục hành chính', text: 'Thời hạn, phí, thành phần hồ sơ; mở hoặc ngừng tiếp nhận.' },
  { href: '/admin/calendar', title: 'Lịch làm việc', text: 'Ngày nghỉ lễ, Tết của năm và các ngày điều chỉnh.' },
  { href: '/admin/backups', title: 'Sao lưu', text: 'Các bản sao lưu, kết quả kiểm tra; sao lưu ngay.' },
  { href: '/admin/events', title: 'Nhật ký an ninh', text: 'Đăng nhập, đăng nhập sai, thay đổi tài khoản và mọi sự kiện kiểm toán.' },
];

export function AdminHomeView({ page, hasQueues, email, waitingEmails }: { page: PageContext; hasQueues: boolean; email: EmailTransportStatus; waitingEmails: number | null }) {
  return (
    <AdminLayout page={page} title="Quản trị hệ thống">
      <ul class="cards">
        {CARDS.map((c) => (
          <li class="panel">
            <h2>
              <a href={c.href}>{c.title}</a>
            </h2>
            <p>{c.text}</p>
          </li>
        ))}
      </ul>
      <section class="panel" aria-labelledby="ops-h">
        <h2 id="ops-h">Vận hành</h2>
        <ul>
          <li>
            {hasQueues ? <a href="/admin/queues">Bảng theo dõi hàng đợi (Bull Board)</a> : <span>Bảng theo dõi hàng đợi: máy chủ này chạy không có Redis.</span>} — các việc chạy nền: hạn xử lý, thông báo cho cán bộ và cho người nộp hồ sơ (thư điện tử, SMS; lần gửi không thành công được ghi lại trên bảng, kèm lý do), sao lưu.
          </li>
          <li id="thu-dien-tu">
            {email.configured ? (
              <>Thư điện tử thông báo: đang gửi qua máy chủ thư đã cấu hình (hàng đợi notifications).</>
            ) : (
              <>
                <strong>Thư điện tử thông báo: không gửi.</strong> {email.reason}
              </>
            )}
            {waitingEmails !== null && waitingEmails > 0 && (
              <>
                {' '}
                Hàng đợi notifications còn {waitingEmails} việc gửi thư{email.configured ? ' đang chờ hoặc lỗi' : ' từ khi còn cấu hình máy chủ thư: chúng chờ đến khi cấu hình lại SMTP_URL, hoặc xóa trong bảng theo dõi hàng đợi'}.
              </>
            )}
          </li>
          <li>
            <a href="/metrics">Chỉ số Prometheus</a> — thời gian phản hồi, hồ sơ quá hạn, tuổi bản sao lưu gần nhất.
          </li>
          <li>
            <a href="/readyz">Tình trạng sẵn sàng</a> — cơ sở dữ liệu và Redis.
          </li>
        </ul>
      </section>
    </AdminLayout>
  );
}
