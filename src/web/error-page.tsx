import { Layout } from './layout.tsx';
import type { PageContext } from './page-context.ts';

const TITLES: Record<number, { title: string; text: string }> = {
  400: { title: 'Yêu cầu không hợp lệ', text: 'Địa chỉ hoặc dữ liệu gửi lên không đúng. Vui lòng quay lại và thử lại.' },
  403: { title: 'Không có quyền truy cập', text: 'Bạn không có quyền thực hiện thao tác này. Không có thay đổi nào được ghi nhận.' },
  404: { title: 'Không tìm thấy trang', text: 'Trang hoặc hồ sơ bạn tìm không tồn tại, hoặc bạn không có quyền xem.' },
  413: { title: 'Dữ liệu quá lớn', text: 'Nội dung gửi lên vượt quá giới hạn cho phép.' },
  429: { title: 'Quá nhiều yêu cầu', text: 'Bạn đã thử quá nhiều lần. Vui lòng đợi một lúc rồi thử lại.' },
  500: { title: 'Lỗi hệ thống', text: 'Đã có lỗi xảy ra phía máy chủ. Thao tác của bạn có thể chưa được ghi nhận.' },
};

/** The Vietnamese page for a refused or failed page request; `detail` says what in particular, if anything. */
export function ErrorPage({ page, status, detail }: { page: PageContext; status: number; detail?: string }) {
  const t = TITLES[status] ?? TITLES[status >= 500 ? 500 : 400]!;
  return (
    <Layout page={page} title={t.title}>
      <div class="panel">
        <p>{t.text}</p>
        {detail && <p>{detail}</p>}
        {status >= 500 && page.requestId && (
          <p>
            Khi báo cho cán bộ công nghệ thông tin, xin cung cấp mã yêu cầu: <code>{page.requestId}</code>
          </p>
        )}
        <p>
          <a href="/">Về trang chính</a>
        </p>
      </div>
    </Layout>
  );
}
