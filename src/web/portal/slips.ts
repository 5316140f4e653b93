import type { PublicDossierView } from '../../domain/dossiers/dossier-presenter.ts';

/**
 * The slips the agency issues to the applicant (Circular 03/2025/TT-VPCP, Appendix I), each tied to the
 * event that issued it: the receipt with its appointment (Mẫu 01, again after a supplement brings a new
 * appointment), the supplement request (Mẫu 02), the refusal (Mẫu 03), the apology with a new date
 * (Mẫu 04) and the stop notice (Mẫu 05). The applicant sees them from the same timeline the agency keeps.
 */
const SLIP_KINDS: Record<string, { title: string; form: string }> = {
  RECEIVE: { title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', form: 'Mẫu số 01' },
  SUPPLEMENT: { title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả (sau khi bổ sung)', form: 'Mẫu số 01' },
  REQUEST_SUPPLEMENT: { title: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ', form: 'Mẫu số 02' },
  REFUSE: { title: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ', form: 'Mẫu số 03' },
  ISSUE_APOLOGY: { title: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả', form: 'Mẫu số 04' },
  STOP: { title: 'Thông báo dừng giải quyết hồ sơ', form: 'Mẫu số 05' },
};

export interface Slip {
  /** The event's position in the dossier's timeline, from 1: the slip's address. */
  number: number;
  type: string;
  title: string;
  form: string;
  at: string;
  details: Record<string, unknown>;
}

/** The slips issued to the applicant so far, oldest first. */
export function slipsOf(dossier: Pick<PublicDossierView, 'timeline'>): Slip[] {
  return dossier.timeline.flatMap((e, i) => {
    const kind = SLIP_KINDS[e.type];
    // A supplement received without a new appointment (the clock did not restart) issues no new receipt.
    if (!kind || (e.type === 'SUPPLEMENT' && !e.details.dueAt)) return [];
    return [{ number: i + 1, type: e.type, title: kind.title, form: kind.form, at: e.at, details: e.details }];
  });
}
