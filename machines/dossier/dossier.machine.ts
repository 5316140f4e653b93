import { assign, setup } from 'xstate';
import type { DossierContext, DossierEvent, DossierInput, DossierRules, DossierState } from './dossier.types.ts';

/**
 * The one-stop dossier flow (Điều 11, 12 of Quy chế 80/QĐ-SCT; details from Decree 118/2025/NĐ-CP
 * and Circular 03/2025/TT-VPCP).
 *
 * Pure: no I/O, no clock. Every event carries `at` (the instant it happened) and the service adds
 * computed deadlines (`dueAt`, `apologyBy`) from the working-day calendar before sending it here.
 * Procedure variations (fee, department-lead step, inspection step, supplement clock rule) are data in
 * `context.rules`, read by guards; the flow is not copied per procedure.
 */
export const DOSSIER_MACHINE_ID = 'dossier';

/**
 * Bump when the definition changes. Dossiers in flight keep the version they were created with; the
 * old definition stays loadable (src/domain/dossiers/dossier-machines.ts registers every version).
 *
 * - 1: the flow of DESIGN §3.
 * - 2: the deadline worker's events (STEP_OVERDUE, APPOINTMENT_PASSED) and an apology that may still be
 *   issued after its deadline (it is owed to the applicant; it is then recorded as not timely).
 * - 3 (unreleased until issue 6 closes): state tags (`waiting`, `holding`, `actionable`), so that
 *   services ask the machine which states wait, hold or run a step instead of spelling lists of names;
 *   a supplement is requested once per dossier in all, the online check's request included.
 * - 4: the handling department asks for the supplement itself: REQUEST_SUPPLEMENT from
 *   `inDepartment.review` (the specialist or the lead finds a paper missing after receipt, Decree
 *   118/2025/NĐ-CP; the one-stop staff send the request), still once per dossier in all; a dossier handed
 *   in at the counter is guided in person once before receipt (Mẫu 02), which is not that one request.
 */
export const DOSSIER_MACHINE_VERSION = 4;

/**
 * State tags, read by the services through the machine (src/domain/workflow/machine-graph.ts):
 * - `waiting`: the clock does not run for the agency — the applicant supplements or pays;
 * - `holding`: the agency holds the dossier before a result exists — its appointment can pass;
 * - `actionable`: a step with its own due instant runs — someone of the agency must act.
 */
export const DOSSIER_TAGS = ['waiting', 'holding', 'actionable'] as const;
export type DossierTag = (typeof DOSSIER_TAGS)[number];

type E<T extends DossierEvent['type']> = Extract<DossierEvent, { type: T }>;

/** The plain flow: department-lead review, no fee, no inspection, the full limit again after a supplement. */
const PLAIN_RULES: DossierRules = Object.freeze({ hasFee: false, leadReview: true, inspection: false, supplementClock: 'restart' });

const dossierSetup = setup({
  types: {
    context: {} as DossierContext,
    events: {} as DossierEvent,
    input: {} as DossierInput,
  },
  guards: {
    hasFee: ({ context }) => context.rules.hasFee,
    hasLeadReview: ({ context }) => context.rules.leadReview,
    hasAssignee: ({ context }) => context.assigneeId !== null,
    hasNoAssignee: ({ context }) => context.assigneeId === null,
    // Named rather than composed with and(): the definition hash (src/domain/dossiers) sees names only.
    assignedWithInspection: ({ context }) => context.assigneeId !== null && context.rules.inspection,
    assignedWithLeadReview: ({ context }) => context.assigneeId !== null && context.rules.leadReview,
    /** Before receipt the one-stop may guide the applicant as many times as needed (Điều 11). */
    supplementReturnsToIntake: ({ context }) => context.supplementReturnTo === 'submitted',
    supplementReturnsToReview: ({ context }) => context.supplementReturnTo === 'review',
    /**
     * After receipt a supplement may be requested only once, listing every missing item
     * (Decree 118/2025/NĐ-CP; DOMAIN §1.3).
     */
    supplementNotYetRequested: ({ context }) => !context.supplementRequestedAfterReceipt,
    /**
     * Version 3: once per dossier in all — the request lists every missing item, so the online check's
     * request (within 8 working hours of submission) is that once (Decree 118/2025/NĐ-CP; DOMAIN §1.3).
     */
    supplementNeverRequested: ({ context }) => context.supplementRequested !== true,
    /**
     * Version 4: at the counter the clerk guides the applicant in person, once, with the whole list of what
     * is missing, before receiving (Decree 118/2025/NĐ-CP; Circular 03/2025 Mẫu 02): that guidance is not
     * the one request the processing may make after receipt, which the department still has.
     */
    /** Version 4: the online check's request is the one request of the dossier (a counter dossier is guided instead). */
    onlineCheckMayAsk: ({ context }) => context.intake !== 'counter' && context.supplementRequested !== true,
    counterGuidanceAvailable: ({ context }) => context.intake === 'counter' && context.guidedAtCounter !== true,
    /**
     * The apology with a new appointment is issued at most once, at the latest one working day
     * before the appointment (DOMAIN §1.3), and the new appointment must be later than the current
     * one. `newDueAt` is absent only when the service asks which events are available.
     */
    apologyAllowed: ({ context, event }) => {
      if (context.apologyIssued || context.apologyBy === null) return false;
      if (event.at > context.apologyBy) return false;
      const newDueAt = (event as Partial<E<'ISSUE_APOLOGY'>>).newDueAt;
      return newDueAt === undefined || newDueAt > (context.rescheduledDueAt ?? context.dueAt ?? '');
    },
    /**
     * Version 2: the apology is still issued once, with a later appointment, after its deadline too —
     * an applicant whose dossier is late is owed it (the deadline worker puts it on the one-stop's list);
     * whether it came in time is recorded.
     */
    apologyAvailable: ({ context, event }) => {
      if (context.apologyIssued || context.apologyBy === null) return false;
      const newDueAt = (event as Partial<E<'ISSUE_APOLOGY'>>).newDueAt;
      return newDueAt === undefined || newDueAt > (context.rescheduledDueAt ?? context.dueAt ?? '');
    },
    /** The deadline worker marks a step overdue once (a job that runs again changes nothing). */
    stepNotYetOverdue: ({ context, event }) => context.stepOverdueDueAt !== (event as Partial<E<'STEP_OVERDUE'>>).dueAt,
    appointmentNotYetPassed: ({ context, event }) => context.lateDueAt !== (event as Partial<E<'APPOINTMENT_PASSED'>>).dueAt,
  },
  actions: {
    markReceived: assign(({ event }) => {
      const e = event as E<'RECEIVE'>;
      return { received: true, dueAt: e.dueAt, apologyBy: e.apologyBy };
    }),
    requestGuidance: assign({ supplementReturnTo: 'submitted' as const }),
    guideAtCounter: assign({ supplementReturnTo: 'submitted' as const, guidedAtCounter: true }),
    requestSupplementBeforeReceipt: assign({ supplementReturnTo: 'submitted' as const, supplementRequested: true }),
    requestSupplementAfterReceipt: assign({
      supplementReturnTo: 'review' as const,
      supplementRequestedAfterReceipt: true,
    }),
    requestSupplementOnce: assign({
      supplementReturnTo: 'review' as const,
      supplementRequestedAfterReceipt: true,
      supplementRequested: true,
    }),
    resumeAfterSupplement: assign(({ context, event }) => {
      const e = event as E<'SUPPLEMENT'>;
      return {
        supplementReturnTo: null,
        dueAt: e.dueAt ?? context.dueAt,
        apologyBy: e.apologyBy ?? context.apologyBy,
      };
    }),
    /**
     * Version 2: a complete resubmission also moves the appointment an apology promised — the full limit
     * from now (restart) supersedes it; a paused clock shifts it by the wait.
     */
    resumeAfterSupplementMovingApology: assign(({ context, event }) => {
      const e = event as E<'SUPPLEMENT'>;
      return {
        supplementReturnTo: null,
        dueAt: e.dueAt ?? context.dueAt,
        apologyBy: e.apologyBy ?? context.apologyBy,
        rescheduledDueAt: e.rescheduledDueAt !== undefined ? e.rescheduledDueAt : context.rescheduledDueAt,
      };
    }),
    setAssignee: assign(({ event }) => ({ assigneeId: (event as E<'ASSIGN'>).assigneeId })),
    recordVerification: assign(({ context, event }) => ({
      proposedResult: (event as E<'VERIFY'>).proposedResult ?? context.proposedResult,
    })),
    recordProposal: assign(({ event }) => ({ proposedResult: (event as E<'PROPOSE'>).proposedResult })),
    clearProposal: assign({ proposedResult: null }),
    /** The director's approval adopts the proposal; without one the licence is granted. */
    recordResult: assign(({ context }) => ({ result: context.proposedResult ?? 'grant' })),
    recordApology: assign(({ event }) => ({
      apologyIssued: true,
      rescheduledDueAt: (event as E<'ISSUE_APOLOGY'>).newDueAt,
    })),
    issueApology: assign(({ context, event }) => ({
      apologyIssued: true,
      rescheduledDueAt: (event as E<'ISSUE_APOLOGY'>).newDueAt,
      apologyTimely: context.apologyBy !== null && event.at <= context.apologyBy,
    })),
    recordStepOverdue: assign(({ event }) => ({ stepOverdueDueAt: (event as E<'STEP_OVERDUE'>).dueAt })),
    recordLate: assign(({ event }) => ({ lateDueAt: (event as E<'APPOINTMENT_PASSED'>).dueAt })),
  },
});

/** What a published version adds to the flow. */
interface Edition {
  /** Version 2: the deadline worker's events. */
  deadlineEvents: boolean;
  /** Version 2: the apology may come after its deadline, and a supplement moves its appointment too. */
  lateApology: boolean;
  /** Version 3: state tags. */
  tags: boolean;
  /** Version 3: one supplement request per dossier in all. */
  supplementOnce: boolean;
  /** Version 4: the department asks for the supplement from its review. */
  departmentSupplement: boolean;
}

/** The machine's states and transitions for one published version (the versions share guards and actions). */
function dossierConfig(edition: Edition): Parameters<typeof dossierSetup.createMachine>[0] {
  const apology = edition.lateApology
    ? { ISSUE_APOLOGY: { guard: 'apologyAvailable' as const, actions: 'issueApology' as const } }
    : { ISSUE_APOLOGY: { guard: 'apologyAllowed' as const, actions: 'recordApology' as const } };
  // Whenever a step is running, its due instant may pass; while the agency holds the dossier, the appointment may pass.
  const stepOverdue = edition.deadlineEvents ? { STEP_OVERDUE: { guard: 'stepNotYetOverdue' as const, actions: 'recordStepOverdue' as const } } : {};
  const late = edition.deadlineEvents ? { APPOINTMENT_PASSED: { guard: 'appointmentNotYetPassed' as const, actions: 'recordLate' as const } } : {};
  const resume = edition.lateApology ? ('resumeAfterSupplementMovingApology' as const) : ('resumeAfterSupplement' as const);
  // Earlier versions are kept exactly as published (their definition hash is pinned): no tags there.
  const tag = (...tags: DossierTag[]) => (edition.tags ? { tags } : {});
  // Before receipt, versions 1–2 let the one-stop guide the applicant as often as needed (Điều 11 of the
  // 2013 regulation); version 3 follows Decree 118/2025: one request in all.
  const onlineCheck = { guard: 'supplementNeverRequested' as const, target: 'awaitingSupplement', actions: 'requestSupplementBeforeReceipt' as const };
  const guidance = edition.departmentSupplement
    ? [{ guard: 'counterGuidanceAvailable' as const, target: 'awaitingSupplement', actions: 'guideAtCounter' as const }, { ...onlineCheck, guard: 'onlineCheckMayAsk' as const }]
    : edition.supplementOnce
      ? onlineCheck
      : { target: 'awaitingSupplement', actions: 'requestGuidance' as const };
  const afterReceipt = edition.supplementOnce
    ? { guard: 'supplementNeverRequested' as const, target: 'awaitingSupplement', actions: 'requestSupplementOnce' as const }
    : { guard: 'supplementNotYetRequested' as const, target: 'awaitingSupplement', actions: 'requestSupplementAfterReceipt' as const };
  return {
  id: DOSSIER_MACHINE_ID,
  initial: 'submitted',
  // xstate's pure transition() builds a throwaway actor without input on every call: a missing input
  // must not throw there (a caught TypeError per transition is measurable). The service always passes the rules.
  context: ({ input }) => ({
    rules: input?.rules ?? PLAIN_RULES,
    ...(input?.intake ? { intake: input.intake } : {}),
    received: false,
    supplementRequestedAfterReceipt: false,
    supplementRequested: false,
    supplementReturnTo: null,
    assigneeId: null,
    proposedResult: null,
    result: null,
    dueAt: null,
    apologyBy: null,
    rescheduledDueAt: null,
    apologyIssued: false,
    apologyTimely: null,
    stepOverdueDueAt: null,
    lateDueAt: null,
  }),
  states: {
    // Online submission awaiting the one-stop check (national status 1).
    submitted: {
      ...tag('actionable'),
      on: {
        RECEIVE: { target: 'inDepartment.review', actions: 'markReceived' },
        REQUEST_SUPPLEMENT: guidance,
        REFUSE: { target: 'refused' },
        WITHDRAW: { target: 'withdrawn' },
        STOP: { target: 'stopped' },
        ...stepOverdue,
      },
    },
    // The clock does not run while the applicant completes the dossier (national status 5).
    awaitingSupplement: {
      ...tag('waiting'),
      on: {
        SUPPLEMENT: [
          { guard: 'supplementReturnsToIntake', target: 'submitted', actions: resume },
          { guard: 'supplementReturnsToReview', target: 'inDepartment.review', actions: resume },
        ],
        SUPPLEMENT_EXPIRED: { target: 'stopped' },
        WITHDRAW: { target: 'withdrawn' },
        STOP: { target: 'stopped' },
      },
    },
    // The specialist department (phòng chuyên môn) processes the dossier (Điều 12.1).
    inDepartment: {
      ...tag('holding', 'actionable'),
      initial: 'review',
      on: {
        WITHDRAW: { target: 'withdrawn' },
        STOP: { target: 'stopped' },
        ...apology,
        ...stepOverdue,
        ...late,
      },
      states: {
        review: {
          on: {
            // Version 4: the department finds a paper missing during its review and asks itself (still once in all).
            ...(edition.departmentSupplement
              ? { REQUEST_SUPPLEMENT: { guard: 'supplementNeverRequested' as const, target: '#dossier.awaitingSupplement', actions: 'requestSupplementOnce' as const } }
              : {}),
            ASSIGN: { guard: 'hasNoAssignee', actions: 'setAssignee' },
            REASSIGN: { guard: 'hasAssignee', actions: 'setAssignee' },
            // Only the assigned specialist checks validity; the lead assigns first.
            VERIFY: [
              { guard: 'assignedWithInspection', target: 'inspection', actions: 'recordVerification' },
              { guard: 'assignedWithLeadReview', target: 'leadReview', actions: 'recordVerification' },
              { guard: 'hasAssignee', target: '#dossier.leadershipApproval', actions: 'recordVerification' },
            ],
            // Invalid dossier: back to the one-stop unit with the reason (Điều 12.1).
            INVALID: { guard: 'hasAssignee', target: '#dossier.returnedToOneStop' },
          },
        },
        inspection: {
          on: {
            INSPECT: [
              { guard: 'hasLeadReview', target: 'leadReview' },
              { target: '#dossier.leadershipApproval' },
            ],
          },
        },
        leadReview: {
          on: {
            PROPOSE: { target: '#dossier.leadershipApproval', actions: 'recordProposal' },
            SEND_BACK: { target: 'review', actions: 'clearProposal' },
          },
        },
      },
    },
    // Sở leadership decides (Điều 12.2).
    leadershipApproval: {
      ...tag('holding', 'actionable'),
      on: {
        APPROVE: [
          { guard: 'hasFee', target: 'awaitingPayment', actions: 'recordResult' },
          { target: 'readyForReturn', actions: 'recordResult' },
        ],
        DISAGREE: { target: 'inDepartment.review', actions: 'clearProposal' },
        WITHDRAW: { target: 'withdrawn' },
        STOP: { target: 'stopped' },
        ...apology,
        ...stepOverdue,
        ...late,
      },
    },
    returnedToOneStop: {
      ...tag('holding', 'actionable'),
      on: {
        REQUEST_SUPPLEMENT: afterReceipt,
        REFUSE: { target: 'refused' },
        WITHDRAW: { target: 'withdrawn' },
        STOP: { target: 'stopped' },
        ...apology,
        ...stepOverdue,
        ...late,
      },
    },
    // A result exists from here on: the applicant can no longer withdraw (Decree 118/2025 Art. 21).
    awaitingPayment: {
      ...tag('waiting'),
      on: { PAYMENT_RECEIVED: { target: 'readyForReturn' } },
    },
    readyForReturn: {
      ...tag('actionable'),
      on: { RETURN_RESULT: { target: 'completed' }, ...stepOverdue },
    },
    completed: { type: 'final' },
    refused: { type: 'final' },
    withdrawn: { type: 'final' },
    stopped: { type: 'final' },
  },
  };
}

/** Version 1, as published: kept so that dossiers created under it keep working. */
export const dossierMachineV1 = dossierSetup.createMachine(dossierConfig({ deadlineEvents: false, lateApology: false, tags: false, supplementOnce: false, departmentSupplement: false }));

/** Version 2, as published. */
export const dossierMachineV2 = dossierSetup.createMachine(dossierConfig({ deadlineEvents: true, lateApology: true, tags: false, supplementOnce: false, departmentSupplement: false }));

/** Version 3, as published. */
export const dossierMachineV3 = dossierSetup.createMachine(dossierConfig({ deadlineEvents: true, lateApology: true, tags: true, supplementOnce: true, departmentSupplement: false }));

/** The current definition: new dossiers are created with it. */
export const dossierMachine = dossierSetup.createMachine(dossierConfig({ deadlineEvents: true, lateApology: true, tags: true, supplementOnce: true, departmentSupplement: true }));

export type DossierMachine = typeof dossierMachine;

/** National public-service portal status code of each state (DOMAIN §1.2). */
export const NATIONAL_STATUS: Readonly<Record<DossierState, number>> = {
  submitted: 1,
  awaitingSupplement: 5,
  'inDepartment.review': 4,
  'inDepartment.inspection': 4,
  'inDepartment.leadReview': 4,
  leadershipApproval: 4,
  returnedToOneStop: 4,
  awaitingPayment: 6,
  readyForReturn: 9,
  completed: 10,
  refused: 3,
  withdrawn: 7,
  stopped: 8,
};
