import { DOSSIER_MACHINE_ID, NATIONAL_STATUS, type DossierEvent, type DossierState } from '../../../machines/dossier/index.ts';
import { userActor } from '../../auth/actor.ts';
import { authorize } from '../../auth/authorize.ts';
import type { Principal } from '../../auth/principal.ts';
import type { WorkingTime } from '../../calendar/working-calendar.ts';
import type { Executor } from '../../db/db.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import { newTrackingSecret } from './tracking-secret.ts';
import { DOSSIER_AGGREGATE } from '../aggregates.ts';
import type { ActorRef } from '../audit/event-log.ts';
import { RuleViolationError, ValidationError } from '../errors.ts';
import { idempotentTransaction, type IdempotentRequest, type StoredResponse } from '../idempotency/idempotency.ts';
import { writeOutbox } from '../outbox/outbox.ts';
import { rulesInForce, type ProcedureRulesView, type RequiredPaper } from '../procedures/procedures.service.ts';
import { createRecord } from '../workflow/create-record.ts';
import { PendingEvents } from '../workflow/pending-events.ts';
import { actorRef, applyEvent } from '../workflow/fire-event.ts';
import { nextDossierCode } from './dossier-code.ts';
import type { DossierDeps } from './dossier-deps.ts';
import { liveDeadlineJobs } from './dossier-deadlines.ts';
import { deadlineFacts, dossierRecordType, missingPapers, planStep, rulesOf } from './dossier-planning.ts';
import { auditPapers, insertPaperRows, OTHER_PAPER, type PaperUpload } from './dossier-papers.ts';
import { toPublicView, toView, type Applicant, type DossierView, type Proxy, type PublicDossierView } from './dossier-presenter.ts';
import { contextOf, findRow, type DossierRow } from './dossier-rows.ts';

export interface NewDossier {
  procedureId: number;
  applicant: Applicant;
  /** The person acting for the applicant (người được ủy quyền), when one hands the dossier in. */
  proxy?: Proxy | null;
  subject?: string | null;
  note?: string;
}

/**
 * Inserts a new dossier at `submitted` (version 1) under a provisional code, with its creation event held
 * in `pending`. {@link numberDossier} gives it its code and writes its events, last in the transaction.
 */
async function insertDossier(
  deps: DossierDeps,
  trx: Executor,
  calendar: WorkingTime,
  input: NewDossier & { channel: DossierView['channel']; actor: ActorRef; trackingSecretHash: string | null },
  now: Date,
  pending: PendingEvents,
): Promise<{ row: DossierRow; rules: ProcedureRulesView }> {
  const at = now.toISOString();
  const procedure = await trx('procedures').where({ id: input.procedureId }).first();
  if (!procedure || !procedure.active) {
    throw new ValidationError('UNKNOWN_REFERENCE', `Procedure ${input.procedureId} does not exist or is not offered`, { field: 'procedureId' });
  }
  // The dossier keeps the rules in force when it reached the agency (DOMAIN, the 2025 caveat).
  const rules = await rulesInForce(trx, input.procedureId, now);
  if (!rules) throw new ValidationError('PROCEDURE_NOT_IN_FORCE', `Procedure ${procedure.code} has no rules in force yet`, { field: 'procedureId' });
  const applicant = {
    name: input.applicant.name,
    idNumber: input.applicant.idNumber ?? null,
    phone: input.applicant.phone ?? null,
    email: input.applicant.email ?? null,
    address: input.applicant.address ?? null,
  };
  const proxy = input.proxy
    ? { name: input.proxy.name, idNumber: input.proxy.idNumber, authorisation: input.proxy.authorisation, phone: input.proxy.phone ?? null, email: input.proxy.email ?? null, address: input.proxy.address ?? null }
    : null;
  const { id } = await createRecord(trx, DOSSIER_AGGREGATE, {
    machine: deps.machines.current(DOSSIER_MACHINE_ID),
    // A dossier handed in at the counter is guided there in person before receipt (machine version 4).
    input: { rules: rulesOf(rules), intake: input.channel === 'online' ? 'online' : 'counter' },
    columns: (state) => {
      // A dossier received at the counter never waits for the one-stop check: it has no intake step.
      const step = input.channel === 'counter' ? null : planStep(calendar, rules, state, now);
      return {
        // Unique, never seen outside this transaction: numberDossier replaces it before commit.
        code: `~${randomToken(12)}`,
        procedure_id: procedure.id,
        procedure_rule_id: rules.id,
        department_id: procedure.department_id,
        channel: input.channel,
        national_status: NATIONAL_STATUS[state as DossierState],
        applicant_name: applicant.name,
        applicant_id_number: applicant.idNumber,
        applicant_phone: applicant.phone,
        applicant_email: applicant.email,
        applicant_address: applicant.address,
        proxy_name: proxy?.name ?? null,
        proxy_id_number: proxy?.idNumber ?? null,
        proxy_phone: proxy?.phone ?? null,
        proxy_email: proxy?.email ?? null,
        proxy_address: proxy?.address ?? null,
        proxy_authorisation: proxy?.authorisation ?? null,
        subject: input.subject ?? null,
        tracking_secret_hash: input.trackingSecretHash,
        submitted_at: at,
        step: step?.name ?? null,
        step_started_at: at,
        step_due_at: step?.dueAt ?? null,
        created_by: input.actor.kind === 'user' ? input.actor.id : null,
        created_at: at,
        updated_at: at,
      };
    },
    event: {
      type: 'SUBMIT',
      actor: input.actor,
      at,
      // The code joins this payload when pending.write() hashes it (numberDossier).
      payload: { channel: input.channel, procedureId: procedure.id, procedureRuleId: rules.id, applicant, ...(proxy ? { proxy } : {}), subject: input.subject ?? null, note: input.note ?? null },
    },
  }, pending);
  return { row: (await findRow(trx, { 'd.id': id })) as DossierRow, rules };
}

/**
 * Takes the day's next code for a dossier inserted in this transaction and writes its held events, the
 * code in the creation event. Call it last: the day's counter row stays locked until commit (that keeps
 * the sequence without gaps when an intake rolls back), so every statement after it makes every other
 * intake of the day wait longer. What follows it: one insert of the events, one update of the code and
 * the chain head, and the stored idempotent answer.
 */
async function numberDossier(deps: DossierDeps, trx: Executor, id: number, pending: PendingEvents, now: Date): Promise<string> {
  const code = await nextDossierCode(trx, deps.settings, now);
  await pending.write(trx, { payload: { code }, columns: { code } });
  return code;
}

/** What the counter does with a dossier handed in (Decree 118/2025/NĐ-CP; Circular 03/2025/TT-VPCP Mẫu 01–03). */
export type CounterDecision = 'receive' | 'guide' | 'refuse';

export interface CounterIntake extends NewDossier {
  /**
   * `receive` (the default): every required paper is received — the receipt (Mẫu 01) with its appointment;
   * `guide`: the applicant is guided once with the list of what is missing (Mẫu 02) and the dossier is kept
   * as not received, with no appointment; `refuse`: not received, with the reason (Mẫu 03).
   */
  decision?: CounterDecision;
  /** `guide`: what else to complete and why, printed on Mẫu 02 after the missing papers. */
  guidance?: string;
  /** `refuse`: why the dossier is not received (Mẫu 03). */
  reason?: string;
}

/** The REQUEST_SUPPLEMENT or REFUSE a counter decision fires, or RECEIVE. */
function decisionEvent(input: CounterIntake, missing: RequiredPaper[], at: string): DossierEvent {
  const note = input.note ? { note: input.note } : {};
  switch (input.decision ?? 'receive') {
    case 'receive':
      return { type: 'RECEIVE', at, ...note } as DossierEvent;
    case 'guide': {
      const guidance = input.guidance?.trim() ?? '';
      if (missing.length === 0 && guidance === '') {
        throw new ValidationError('GUIDANCE_REQUIRED', 'Every required paper was received: say what else must be completed, or receive the dossier', { field: 'guidance' });
      }
      // Mẫu 02 lists every item at once (the request is made once): the missing papers by name (from
      // `missingPapers`), then what the clerk wrote.
      return {
        type: 'REQUEST_SUPPLEMENT',
        at,
        guidance: guidance || 'Nộp đủ các giấy tờ còn thiếu nêu trên (bản chính hoặc bản sao theo quy định của thủ tục).',
        ...(missing.length > 0 ? { missingPapers: missing.map((p) => p.code) } : {}),
      };
    }
    case 'refuse': {
      const reason = input.reason?.trim() ?? '';
      if (reason === '') throw new ValidationError('REASON_REQUIRED', 'A refusal states its reason (Mẫu 03)', { field: 'reason' });
      return { type: 'REFUSE', at, reason };
    }
  }
}

/**
 * Counter intake (tiếp nhận trực tiếp, Điều 11): the one-stop clerk enters the dossier with the scans of
 * the papers handed in and decides. A complete dossier is received at once: its code, its appointment,
 * its first step. A dossier that lacks a required paper is never received (Decree 118/2025/NĐ-CP): the
 * clerk guides the applicant (Mẫu 02: the dossier waits for the supplement, no appointment) or refuses it
 * (Mẫu 03). Everything the clerk's input can make fail is checked before a file joins the store; the
 * dossier, its papers and the decision are one transaction. The tracking secret is returned once beside
 * the answer (never in the stored, replayable body; only its hash is kept): the slip printed at the
 * counter carries it. The uploads' temporary files are always consumed.
 * @throws ForbiddenError unless the caller is a one-stop clerk; ValidationError for an unknown procedure,
 *   an unknown paper kind, GUIDANCE_REQUIRED, REASON_REQUIRED; RuleViolationError PAPERS_INCOMPLETE for a
 *   receipt while a required paper is missing; ConflictError IDEMPOTENCY_KEY_REUSED.
 */
export async function receiveCounterDossier(
  deps: DossierDeps,
  principal: Principal,
  input: CounterIntake,
  idempotency?: IdempotentRequest,
  uploads: PaperUpload[] = [],
): Promise<StoredResponse<DossierView> & { trackingSecret?: string }> {
  let promoted = 0;
  try {
    const actor = userActor(principal);
    const trackingSecret = newTrackingSecret();
    authorize(actor, 'create', { kind: 'dossier', departmentId: 0, assigneeId: null });
    const now = deps.clock();
    const at = now.toISOString();
    // Read before anything is stored: the rules decide what is missing. An unknown procedure is refused
    // by insertDossier as before (with nothing stored either).
    const rules = await rulesInForce(deps.db, input.procedureId, now);
    const kinds = new Set(uploads.map((u) => u.kind));
    const allowedKinds = new Set([...(rules?.requiredPapers ?? []).map((p) => p.code), OTHER_PAPER]);
    for (const kind of kinds) {
      if (!allowedKinds.has(kind)) throw new ValidationError('UNKNOWN_PAPER_KIND', `No paper of kind ${JSON.stringify(kind).slice(0, 60)} in this procedure`, { field: 'kind', kind, allowed: [...allowedKinds] });
    }
    const missing = rules ? missingPapers(rules, kinds) : [];
    if ((input.decision ?? 'receive') === 'receive' && missing.length > 0) {
      throw new RuleViolationError('PAPERS_INCOMPLETE', `A dossier lacking a required paper is not received: ${missing.map((p) => p.code).join(', ')}; guide the applicant (decision: guide) or refuse (decision: refuse)`, {
        field: 'papers',
        missing: missing.map((p) => ({ code: p.code, name: p.name })),
      });
    }
    const decision = decisionEvent(input, missing, at);
    const record = dossierRecordType(deps);
    // Loaded before the transaction: on SQLite the transaction holds the only connection.
    const planner = await record.planner();
    const calendar = await deps.calendar.current();
    for (const upload of uploads) {
      await deps.files.promote(upload.temp);
      promoted++;
    }
    let submitted: string | null = null;
    const answer = await idempotentTransaction(deps.db, idempotency, at, 201, async (trx) => {
      const pending = new PendingEvents();
      const { row } = await insertDossier(deps, trx, calendar, { ...input, channel: 'counter', actor: actorRef(actor), trackingSecretHash: sha256Hex(trackingSecret) }, now, pending);
      // The papers first: the receipt's check (the planner's) reads them.
      const papers = await insertPaperRows(trx, row.id, actor, uploads, at);
      await applyEvent(trx, record, planner, row, actor, decision, 1, now, pending);
      submitted = row.state;
      const view = toView(record, (await findRow(trx, { 'd.id': row.id })) as DossierRow, actor, at);
      const code = await numberDossier(deps, trx, row.id, pending, now);
      // After the number (their events name the dossier by its code): a few rows more under the day's lock,
      // only for intakes with scans.
      await auditPapers(trx, { id: row.id, code, state: row.state }, actor, papers, at);
      return { ...view, code };
    });
    if (submitted !== null) {
      deps.onTransition?.({ subject: 'dossier', type: 'SUBMIT', from: null, to: submitted });
      deps.onTransition?.({ subject: 'dossier', type: decision.type, from: submitted, to: answer.body.state });
      return { ...answer, trackingSecret };
    }
    return answer;
  } finally {
    // Whatever was not promoted is removed (a refusal, or a failure part-way); promoted files no row
    // references (a transaction that failed) are the orphan collector's.
    for (const upload of uploads.slice(promoted)) await deps.files.discard(upload.temp);
  }
}

/**
 * Online submission (nộp trực tuyến): the dossier waits at `submitted` for the one-stop check, due
 * within 8 working hours. The tracking secret is returned once; only its hash is stored.
 * @throws ValidationError for an unknown procedure; ConflictError IDEMPOTENCY_KEY_REUSED.
 */
export async function submitOnlineDossier(
  deps: DossierDeps,
  input: NewDossier,
  idempotency?: IdempotentRequest,
  /**
   * The applicant's tracking secret when the caller derives it (the portal derives it from the browser and
   * the form, so that a replayed submission can show it again); a fresh random one otherwise.
   */
  trackingSecret: string = newTrackingSecret(),
): Promise<StoredResponse<PublicDossierView & { trackingSecret?: string }>> {
  const now = deps.clock();
  const calendar = await deps.calendar.current();
  const record = dossierRecordType(deps);
  let created: string | null = null;
  // The remembered answer leaves the secret out: only its hash is ever stored. A replay answers without
  // it (the dossier exists; the secret was shown once).
  const answer = await idempotentTransaction(deps.db, idempotency, now.toISOString(), 201, async (trx) => {
    const pending = new PendingEvents();
    const { row, rules } = await insertDossier(deps, trx, calendar, { ...input, channel: 'online', actor: { kind: 'applicant' }, trackingSecretHash: sha256Hex(trackingSecret) }, now, pending);
    await writeOutbox(trx, liveDeadlineJobs(calendar, deadlineFacts(calendar, row.id, row, contextOf(row), rules), deps.settings), now.toISOString());
    created = row.state;
    const view = await toPublicView(record, trx, row, now.toISOString());
    return { ...view, code: await numberDossier(deps, trx, row.id, pending, now) };
  });
  if (created === null) return answer;
  deps.onTransition?.({ subject: 'dossier', type: 'SUBMIT', from: null, to: created });
  return { ...answer, body: { ...answer.body, trackingSecret } };
}
