import type { DossierRules } from '../../../machines/dossier/index.ts';

/** The steps of the flow that carry their own due instant (phiếu kiểm soát, DOMAIN §1.3). */
export const STEPS = ['intake', 'review', 'inspection', 'leadReview', 'leadershipApproval', 'returnedToOneStop', 'readyForReturn'] as const;
export type Step = (typeof STEPS)[number];
export type StepAllocation = Partial<Record<Step, number>>;

/** Steps whose time counts against the procedure's statutory limit. */
const COUNTED: Step[] = ['review', 'inspection', 'leadReview', 'leadershipApproval', 'readyForReturn'];

/**
 * Fixed steps outside the limit: an online dossier's check at the counter is due within 8 working
 * hours of submission (the supplement request must come within that time, DOMAIN §1.3), and an invalid
 * dossier returned to the one-stop unit is answered within half a day.
 */
const FIXED: Partial<Record<Step, number>> = { intake: 1, returnedToOneStop: 0.5 };

/**
 * Default allocation when the procedure gives none, modelled on published Sở-level processes
 * (DOMAIN §1.1): one day for the department lead, one for the director, half a day to hand the result
 * over, the rest for the specialist. Short limits are shared in proportion instead.
 */
export function defaultAllocation(workingDays: number, rules: Pick<DossierRules, 'leadReview' | 'inspection'>): Record<Step, number> {
  const fixedShares: Partial<Record<Step, number>> = { leadershipApproval: 1, readyForReturn: 0.5 };
  if (rules.leadReview) fixedShares.leadReview = 1;
  if (rules.inspection) fixedShares.inspection = 1;
  const others = Object.values(fixedShares).reduce((a, b) => a + (b ?? 0), 0);
  let counted: Partial<Record<Step, number>>;
  if (workingDays - others >= workingDays / 2) {
    counted = { ...fixedShares, review: workingDays - others };
  } else {
    const weights: Partial<Record<Step, number>> = { review: 5, leadershipApproval: 1.5, readyForReturn: 1 };
    if (rules.leadReview) weights.leadReview = 1.5;
    if (rules.inspection) weights.inspection = 2;
    const total = Object.values(weights).reduce((a, b) => a + (b ?? 0), 0);
    counted = Object.fromEntries(Object.entries(weights).map(([step, w]) => [step, (workingDays * (w ?? 0)) / total]));
  }
  const all = { ...FIXED, ...counted } as Partial<Record<Step, number>>;
  return Object.fromEntries(STEPS.map((step) => [step, all[step] ?? 0])) as Record<Step, number>;
}

/** The allocation a dossier uses: the procedure's own entries over the defaults. */
export function effectiveAllocation(workingDays: number, rules: Pick<DossierRules, 'leadReview' | 'inspection'>, custom: StepAllocation | null): Record<Step, number> {
  return { ...defaultAllocation(workingDays, rules), ...(custom ?? {}) };
}

/** Problems with a procedure's own allocation: counted steps may not exceed the statutory limit. */
export function allocationProblems(workingDays: number, custom: StepAllocation): string[] {
  const problems: string[] = [];
  for (const [step, days] of Object.entries(custom)) {
    if (!(STEPS as readonly string[]).includes(step)) problems.push(`unknown step ${step}`);
    else if (!(typeof days === 'number' && days > 0)) problems.push(`${step} must be a positive number of working days`);
  }
  const sum = COUNTED.reduce((acc, step) => acc + (custom[step] ?? 0), 0);
  if (sum > workingDays + 1e-9) problems.push(`the counted steps add up to ${sum} working days, more than the limit of ${workingDays}`);
  return problems;
}
