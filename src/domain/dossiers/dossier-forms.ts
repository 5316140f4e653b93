import { userActor } from '../../auth/actor.ts';
import { can } from '../../auth/authorize.ts';
import type { Principal } from '../../auth/principal.ts';
import { iso } from '../../lib/rows.ts';
import { VN_UTC_OFFSET_MINUTES } from '../../calendar/working-calendar.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { copyTypeOf, DEFAULT_COPY_TYPE, toRulesView, type CopyType } from '../procedures/procedures.service.ts';
import { getDossier } from './dossier.service.ts';
import type { DossierDeps } from './dossier-deps.ts';
import type { DossierView } from './dossier-presenter.ts';
import { dossierStatesTagged } from './dossier-rows.ts';
import { OTHER_PAPER } from './dossier-papers.ts';
import type { TimelineEntry } from '../workflow/timeline.ts';

/**
 * The forms of the one-stop mechanism (Circular 03/2025/TT-VPCP, Appendix I; DOMAIN §1.4), produced from
 * a dossier's data: what each form states, ready to print or to send to the applicant.
 */
export const DOSSIER_FORMS = {
  receipt: { template: 'Mẫu số 01', title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả' },
  'supplement-request': { template: 'Mẫu số 02', title: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ' },
  refusal: { template: 'Mẫu số 03', title: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ' },
  apology: { template: 'Mẫu số 04', title: 'Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết' },
  'stop-notice': { template: 'Mẫu số 05', title: 'Thông báo dừng giải quyết hồ sơ' },
  'tracking-sheet': { template: 'Mẫu số 06', title: 'Phiếu kiểm soát quá trình giải quyết hồ sơ' },
} as const;

export type DossierFormName = keyof typeof DOSSIER_FORMS;

/**
 * Who issues a form: the Centre, which receives and returns for the Sở (Decree 118/2025/NĐ-CP), or the Sở,
 * whose unit handles the dossier.
 */
export type FormIssuer = 'centre' | 'agency';

/**
 * The two lines at the top left of a form (Decree 30/2020/NĐ-CP, Appendix I, II.3): the governing body
 * over the unit that issues it — "ỦY BAN NHÂN DÂN TỈNH GIA LAI" over "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
 * or "SỞ CÔNG THƯƠNG TỈNH GIA LAI" over the Sở's unit that handles the dossier.
 */
export interface FormHeader {
  issuer: FormIssuer;
  governingBody: string;
  unit: string;
}

export interface DossierForm {
  form: DossierFormName;
  template: string;
  title: string;
  /** The Sở on whose behalf the form is issued. */
  agency: string;
  /** The unit that receives and returns dossiers for it: the province's Public Administration Service Centre. */
  receivingUnit: string;
  province: string | null;
  header: FormHeader;
  dossierCode: string;
  /** When the act the form records happened. */
  issuedAt: string;
  applicant: DossierView['applicant'];
  /** The person acting for the applicant, when one did (người được ủy quyền). */
  proxy: DossierView['proxy'];
  procedure: DossierView['procedure'];
  fields: Record<string, unknown>;
}

/** The unit holding each step; the one-stop steps belong to the receiving unit (the Centre). */
function stepUnit(step: string, centre: string): string | undefined {
  if (step === 'intake' || step === 'returnedToOneStop' || step === 'readyForReturn') return centre;
  if (step === 'leadershipApproval') return 'Lãnh đạo Sở';
  return undefined;
}

/** An amount in đồng as Vietnamese forms write it (150.000 đồng), or "theo quy định" when the law sets it. */
export function feeText(amount: number | null): string {
  return amount === null ? 'theo quy định' : `${new Intl.NumberFormat('vi-VN').format(amount)} đồng`;
}

/** Whoever holds a dossier waiting for the applicant: the applicant (tổ chức, cá nhân). */
const APPLICANT_UNIT = 'Tổ chức, cá nhân';

/** "Cấp Giấy phép…" → "Đề nghị cấp Giấy phép…": what is asked for, read from the procedure's name. */
function requestOf(procedureName: string): string {
  return `Đề nghị ${procedureName.charAt(0).toLocaleLowerCase('vi')}${procedureName.slice(1)}`;
}

/** A paper's form as Mẫu 01's column writes it. */
export const COPY_TYPE_LABELS: Record<CopyType, string> = { original: 'Bản chính', copy: 'Bản sao', certifiedCopy: 'Bản sao chứng thực' };

function last(timeline: TimelineEntry[], ...types: string[]): TimelineEntry | undefined {
  return [...timeline].reverse().find((e) => types.includes(e.type));
}

function unavailable(form: DossierFormName, state: string): NotFoundError {
  return new NotFoundError('FORM_NOT_AVAILABLE', `The dossier has no ${DOSSIER_FORMS[form].title} (state ${state})`, { form, state });
}

/** Sequence in the day's book: the dossier code's last part, after a configured system code (Sổ theo dõi hồ sơ). */
function bookSequence(code: string, systemCode: string): number {
  return Number((code.split('-').at(-1) ?? '').slice(systemCode.length));
}

/**
 * The papers the receipt lists (Mẫu 01: thành phần hồ sơ đã nhận): each paper the procedure requires,
 * received or not, then every other paper handed in; the result document is not the applicant's.
 */
function receiptPapers(dossier: DossierView) {
  const papers = dossier.papers ?? [];
  const required = (dossier.checklist ?? []).map((item) => ({
    code: item.code as string | null,
    name: item.name,
    copies: item.copies ?? null,
    copyType: copyTypeOf(item),
    received: item.received,
    files: papers.filter((p) => item.paperIds.includes(p.id)).map((p) => p.name),
  }));
  // A paper beyond the list is taken as a copy: the Centre keeps no original the procedure does not ask
  // for (Decree 23/2015/NĐ-CP Art. 6, the rule behind DEFAULT_COPY_TYPE).
  const others = papers
    .filter((p) => p.kind === OTHER_PAPER)
    .map((p) => ({ code: null, name: p.name, copies: null, copyType: DEFAULT_COPY_TYPE, received: true, files: [p.name] }));
  return [...required, ...others];
}

/** One row of Mẫu 06: who gave the dossier and who received it (unit and person), when, and how the step went. */
export interface Handover {
  at: string;
  event: string;
  givingUnit: string | null;
  givenBy: string;
  receivingUnit: string | null;
  /** The person who took it: the one who acted on it next in the receiving unit, or the applicant; null while nobody has yet. */
  receivedBy: string | null;
  stepDueAt: string | null;
  /** Trước hạn / đúng hạn / quá hạn of the step handed over. */
  stepResult: string | null;
}

/**
 * Who issues each form, and why (Decree 118/2025/NĐ-CP; Circular 03/2025/TT-VPCP, Appendix I):
 * - Mẫu 01, 03 and 06: the Centre. It receives the dossier and issues the receipt, refuses a dossier it
 *   does not receive, and opens the tracking sheet that travels with the dossier.
 * - Mẫu 02: the Centre when it guides the applicant at intake; the Sở once the dossier is received,
 *   because then its handling unit is who finds a paper missing and asks (the Centre only sends it on).
 * - Mẫu 04: the Sở: the agency whose unit let the time limit pass apologises and sets the new date.
 * - Mẫu 05: the Centre for a withdrawal (the applicant asks the Centre, Decree 118/2025 Art. 21) and for
 *   any stop before the dossier was received (it never reached the Sở); the Sở for a stop it decides or a
 *   supplement that did not come once it held the dossier.
 */
function issuerOf(form: DossierFormName, dossier: DossierView, timeline: TimelineEntry[]): FormIssuer {
  switch (form) {
    case 'supplement-request':
      return last(timeline, 'REQUEST_SUPPLEMENT')?.fromState !== 'submitted' ? 'agency' : 'centre';
    case 'apology':
      return 'agency';
    case 'stop-notice': {
      const stop = last(timeline, 'WITHDRAW', 'STOP', 'SUPPLEMENT_EXPIRED');
      return stop?.type === 'WITHDRAW' || !dossier.receivedAt ? 'centre' : 'agency';
    }
    default:
      return 'centre';
  }
}

/**
 * One form of one dossier.
 * @throws NotFoundError NOT_FOUND when the caller may not see the dossier; FORM_NOT_AVAILABLE when what
 *   the form records has not happened (no refusal, no apology…).
 */
export async function dossierForm(deps: DossierDeps, principal: Principal, id: number, form: DossierFormName): Promise<DossierForm> {
  const dossier = await getDossier(deps, principal, id);
  const timeline = dossier.timeline ?? [];
  const departments = new Map<number, string>((await deps.db('departments').select('id', 'name')).map((d) => [d.id, d.name]));
  const department = departments.get(dossier.departmentId) ?? null;
  const issuer = issuerOf(form, dossier, timeline);
  const header: FormHeader =
    issuer === 'centre'
      ? { issuer, governingBody: deps.settings.governingBodyName, unit: deps.settings.serviceCentreName }
      : { issuer, governingBody: deps.settings.agencyName, unit: department ?? deps.settings.agencyName };
  const base = (issuedAt: string, fields: Record<string, unknown>): DossierForm => ({
    form,
    ...DOSSIER_FORMS[form],
    agency: deps.settings.agencyName,
    receivingUnit: deps.settings.serviceCentreName,
    province: deps.settings.province,
    header,
    dossierCode: dossier.code,
    issuedAt,
    applicant: dossier.applicant,
    proxy: dossier.proxy,
    procedure: dossier.procedure,
    fields,
  });
  // Who stands for the applicant at the counter: the proxy when one acts for them.
  const applicantPerson = dossier.proxy ? `${dossier.proxy.name} (người được ủy quyền của ${dossier.applicant.name})` : dossier.applicant.name;
  switch (form) {
    case 'receipt': {
      const received = last(timeline, 'RECEIVE');
      if (!received || !dossier.receivedAt) throw unavailable(form, dossier.state);
      const rules = toRulesView(await deps.db('procedure_rules').join('dossiers', 'dossiers.procedure_rule_id', 'procedure_rules.id').where('dossiers.id', id).first('procedure_rules.*'));
      return base(received.at, {
        subject: dossier.subject,
        // Nội dung yêu cầu giải quyết: the thing asked for in the applicant's words; without them, what the
        // procedure grants, asked for — never the procedure's name printed twice.
        request: dossier.subject?.trim() || requestOf(dossier.procedure.name),
        channel: dossier.channel,
        workingDays: rules.workingDays,
        // The fee as the receipt prints it: when it is paid and how much, or "theo quy định" (DESIGN §3).
        fee: rules.fee ? { ...rules.fee, text: feeText(rules.fee.amount) } : null,
        receivedAt: dossier.receivedAt,
        appointmentAt: dossier.originalDueAt,
        // A complete supplement after receipt sets the appointment anew (the full limit again, or the wait
        // not counted): the receipt printed again says so.
        appointmentRecomputedAt: timeline.some((e) => e.type === 'SUPPLEMENT' && e.fromState === 'awaitingSupplement' && e.toState !== 'submitted') ? (last(timeline, 'SUPPLEMENT')?.at ?? null) : null,
        resultPlace: deps.settings.serviceCentreName,
        logBookSequence: bookSequence(dossier.code, deps.settings.systemCode),
        receivedBy: received.actor.name,
        papers: receiptPapers(dossier),
      });
    }
    case 'supplement-request': {
      const request = last(timeline, 'REQUEST_SUPPLEMENT');
      if (!request) throw unavailable(form, dossier.state);
      const guidance = String(request.payload.guidance ?? '');
      const missing = Array.isArray(request.payload.missingPaperNames) ? (request.payload.missingPaperNames as string[]) : [];
      const afterReceipt = request.fromState !== 'submitted';
      return base(request.at, {
        // Every missing item, listed at once (Decree 118/2025/NĐ-CP): the papers not received by name, then
        // what the officer wrote — the department's request lands here as it was made, never retyped.
        items: [...missing.map((name) => `Bổ sung ${name}.`), ...guidance.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0)],
        afterReceipt,
        // Before receipt the dossier is not received: no appointment is given (Circular 03/2025 Mẫu 02).
        appointmentAt: null,
        // The applicant's deadline (SUPPLEMENT_WAIT_DAYS working days, DOMAIN §1.3), after which the dossier is stopped.
        supplementDueAt: (request.payload.supplementDueAt as string | undefined) ?? null,
        supplementWaitDays: (request.payload.supplementWaitDays as number | undefined) ?? null,
        guide: request.actor.name,
        // After receipt the handling department asks; the one-stop staff send the slip.
        requestedBy: afterReceipt ? { name: request.actor.name, department: departments.get(dossier.departmentId) ?? null } : null,
      });
    }
    case 'refusal': {
      const refusal = last(timeline, 'REFUSE');
      if (!refusal) throw unavailable(form, dossier.state);
      return base(refusal.at, { reason: refusal.payload.reason, refusedBy: refusal.actor.name });
    }
    case 'apology': {
      const apology = last(timeline, 'ISSUE_APOLOGY');
      if (!apology) throw unavailable(form, dossier.state);
      return base(apology.at, {
        receivedAt: dossier.receivedAt,
        originalAppointmentAt: dossier.originalDueAt,
        reason: apology.payload.reason,
        newAppointmentAt: new Date(String(apology.payload.newDueAt)).toISOString(),
        issuedBy: apology.actor.name,
      });
    }
    case 'stop-notice': {
      const stop = last(timeline, 'WITHDRAW', 'STOP', 'SUPPLEMENT_EXPIRED');
      if (!stop) throw unavailable(form, dossier.state);
      const grounds = { WITHDRAW: 'applicant-request', STOP: 'agency-decision', SUPPLEMENT_EXPIRED: 'supplement-not-received' } as const;
      return base(stop.at, {
        grounds: grounds[stop.type as keyof typeof grounds],
        reason: stop.payload.reason ?? null,
        requestedBy: stop.actor.kind === 'applicant' ? 'applicant' : stop.actor.name,
        stateWhenStopped: stop.fromState,
      });
    }
    case 'tracking-sheet': {
      const centre = deps.settings.serviceCentreName;
      // Who holds the dossier after each hand-over: the unit of the step it enters; the applicant while it
      // waits for them (supplement, fee) and once the result is handed back; nobody once it is otherwise
      // closed (refused, withdrawn, stopped). Always a name or null, never ''.
      const holderAfter = (e: TimelineEntry, toStep: string | null): string | null => {
        if (toStep) return stepUnit(toStep, centre) ?? department;
        if (e.type === 'RETURN_RESULT') return APPLICANT_UNIT;
        return e.toState !== null && dossierStatesTagged('waiting').includes(e.toState) ? APPLICANT_UNIT : null;
      };
      const personOf = (e: TimelineEntry): string => (e.actor.kind === 'applicant' ? applicantPerson : e.actor.name ?? 'Hệ thống');
      const marked = timeline.filter((e) => e.payload.handover);
      // The person who took the dossier in a unit is whoever acted on it next there: handed it on, or (the
      // department's lead) assigned it. An event of the giver's own unit in between (an apology by the
      // department while the director holds it) is not a hand-over and does not count.
      const acts = new Set([...marked.map((e) => e.seq), ...timeline.filter((e) => e.type === 'ASSIGN' || e.type === 'REASSIGN').map((e) => e.seq)]);
      const takerAfter = (e: TimelineEntry, unit: string | null): string | null => {
        // A result sent by post or online reaches the applicant; one collected at the counter, whoever collects it.
        if (e.type === 'RETURN_RESULT' && e.payload.method !== undefined && e.payload.method !== 'counter') return dossier.applicant.name;
        if (unit === APPLICANT_UNIT) return applicantPerson;
        if (unit === null) return null;
        const next = timeline.find((x) => x.seq > e.seq && acts.has(x.seq) && x.actor.kind === 'user');
        return next ? personOf(next) : null;
      };
      // Counter or online, the receiving unit holds a new dossier first (receipt, or the online check).
      let holder: string | null = centre;
      const handovers: Handover[] = marked.map((e) => {
        const h = e.payload.handover as { fromStep: string | null; toStep: string | null; stepDueAt: string | null; stepOutcome: string | null };
        const giving = holder;
        holder = holderAfter(e, h.toStep);
        return {
          at: e.at,
          event: e.type,
          givingUnit: giving,
          givenBy: personOf(e),
          receivingUnit: holder,
          receivedBy: takerAfter(e, holder),
          stepDueAt: h.stepDueAt,
          stepResult: h.stepOutcome,
        };
      });
      const returned = last(timeline, 'RETURN_RESULT');
      return base(dossier.receivedAt ?? dossier.submittedAt, {
        processingUnit: department,
        receivedAt: dossier.receivedAt,
        appointmentAt: dossier.dueAt,
        // When the result was decided (the director's approval) and when it was handed to the applicant:
        // the statistics judge the dossier by the first, the log book records the second.
        resultDecidedAt: dossier.result !== null ? dossier.finishedAt : null,
        resultReturnedAt: returned?.at ?? null,
        returnMethod: returned ? (returned.payload.method ?? 'counter') : null,
        outcome: dossier.outcome,
        handovers,
      });
    }
  }
}

export interface LogBookEntry {
  sequence: number;
  dossierId: number;
  dossierCode: string;
  procedure: string;
  applicant: string;
  contact: string | null;
  processingUnit: string;
  receivedAt: string;
  appointmentAt: string | null;
  returnedAt: string | null;
  returnMethod: string | null;
}

/**
 * Sổ theo dõi hồ sơ (Mẫu số 07): the dossiers received between two local dates, in order of receipt.
 * @throws ForbiddenError unless the caller keeps the book (one-stop, director, admin).
 */
export async function logBook(
  deps: DossierDeps,
  principal: Principal,
  filter: { from: string; to: string; procedureId?: number; page: number; pageSize: number },
): Promise<{ items: LogBookEntry[]; hasMore: boolean }> {
  if (!can(userActor(principal), 'keepLogBook', { kind: 'dossier', departmentId: 0, assigneeId: null })) {
    throw new ForbiddenError('FORBIDDEN', 'The log book is kept by the one-stop unit');
  }
  const offset = VN_UTC_OFFSET_MINUTES * 60_000;
  const start = new Date(Date.parse(`${filter.from}T00:00:00Z`) - offset).toISOString();
  const end = new Date(Date.parse(`${filter.to}T00:00:00Z`) + 86_400_000 - offset).toISOString();
  const query = deps.db('dossiers as d')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .join('departments as dep', 'dep.id', 'd.department_id')
    .leftJoin('events as e', function returned() {
      this.on('e.stream_id', '=', deps.db.raw('CAST(?? AS VARCHAR(64))', ['d.id'])).andOnVal('e.stream_type', '=', 'dossier').andOnVal('e.type', '=', 'RETURN_RESULT');
    })
    .whereNotNull('d.received_at')
    .andWhere('d.received_at', '>=', start)
    .andWhere('d.received_at', '<', end)
    .orderBy('d.received_at')
    .orderBy('d.id')
    .select('d.id', 'd.code', 'p.name as procedure_name', 'd.applicant_name', 'd.applicant_phone', 'd.applicant_address', 'dep.name as department_name', 'd.received_at', 'd.due_at', 'd.rescheduled_due_at', 'e.at as returned_at', 'e.payload as return_payload');
  if (filter.procedureId !== undefined) query.where('d.procedure_id', filter.procedureId);
  // A page at a time (one more row tells whether another page follows): a year of a busy province is
  // tens of thousands of entries, never one answer.
  const skip = (filter.page - 1) * filter.pageSize;
  const rows = await query.limit(filter.pageSize + 1).offset(skip);
  const hasMore = rows.length > filter.pageSize;
  const items = rows.slice(0, filter.pageSize).map((r, i) => {
    const payload = r.return_payload ? (typeof r.return_payload === 'string' ? JSON.parse(r.return_payload) : r.return_payload) : null;
    return {
      sequence: skip + i + 1,
      dossierId: r.id,
      dossierCode: r.code,
      procedure: r.procedure_name,
      applicant: r.applicant_name,
      contact: [r.applicant_address, r.applicant_phone].filter(Boolean).join(' – ') || null,
      processingUnit: r.department_name,
      receivedAt: iso(r.received_at) as string,
      appointmentAt: iso(r.rescheduled_due_at) ?? iso(r.due_at),
      returnedAt: iso(r.returned_at),
      returnMethod: payload?.method ?? (r.returned_at ? 'counter' : null),
    };
  });
  return { items, hasMore };
}
