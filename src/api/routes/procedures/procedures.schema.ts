import { Type } from '@sinclair/typebox';
import { Id, Instant, Nullable, Text } from '../../schemas/common.ts';

const Days = Type.Number({ exclusiveMinimum: 0, maximum: 365 });

export const StepAllocation = Type.Object(
  {
    intake: Type.Optional(Days),
    review: Type.Optional(Days),
    inspection: Type.Optional(Days),
    leadReview: Type.Optional(Days),
    leadershipApproval: Type.Optional(Days),
    returnedToOneStop: Type.Optional(Days),
    readyForReturn: Type.Optional(Days),
  },
  { additionalProperties: false, description: 'Working days per step; the counted steps may not exceed workingDays' },
);

const SupplementClock = Type.Union([Type.Literal('restart'), Type.Literal('pause')], {
  description: 'restart: the full limit runs again after a complete supplement (electronic dossiers); pause: the wait is not counted',
});

const Fee = Type.Object(
  {
    collectedAt: Type.Union([Type.Literal('intake'), Type.Literal('result')], {
      description: 'intake: an appraisal fee paid before processing starts; result: paid when the result is handed over (national status 6)',
    }),
    amount: Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000_000_000, description: 'In đồng; null prints "theo quy định"; 0 is a free procedure, stored as no fee (`fee` null, `hasFee` false)' })),
  },
  { additionalProperties: false },
);

export const RequiredPaper = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$', description: 'What an uploaded paper names as its `kind` (not `other` or `result`)' }),
    name: Text(500),
    copies: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, description: 'Sets required (số lượng bộ)' })),
    copyType: Type.Optional(
      Type.Union([Type.Literal('original'), Type.Literal('copy'), Type.Literal('certifiedCopy')], {
        description: 'The form the paper takes (Mẫu 01: bản chính / bản sao / bản sao chứng thực). Always present in answers; when absent on input, `original` decides (true: original, false: copy), else `copy`',
      }),
    ),
    original: Type.Optional(Type.Boolean({ description: 'The older way to say it: true for the original (bản chính), false for a copy; must agree with copyType when both are given' })),
  },
  { additionalProperties: false, title: 'RequiredPaper' },
);

const ruleFields = {
  requiredPapers: Type.Optional(Type.Array(RequiredPaper, { maxItems: 50, description: 'The papers a dossier must contain (thành phần hồ sơ); none when absent' })),
  workingDays: Type.Number({ exclusiveMinimum: 0, maximum: 365, description: 'Statutory time limit in working days' }),
  stepAllocation: Type.Optional(Nullable(StepAllocation)),
  hasFee: Type.Optional(Type.Boolean({ description: 'The result waits for a fee; implied by `fee`, alone it means a fee "theo quy định" at the result' })),
  fee: Type.Optional(Nullable(Fee)),
  supplementWindowDays: Type.Optional(Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 60, description: 'Working days after receipt within which a supplement must be asked for (sector rules: 3 for alcohol and chemicals, 5 for tobacco)' }))),
  leadReview: Type.Optional(Type.Boolean({ default: true })),
  inspection: Type.Optional(Type.Boolean({ default: false })),
  supplementClock: Type.Optional(SupplementClock),
  effectiveFrom: Type.Optional(Instant),
};

export const NewProcedureBody = Type.Object(
  {
    code: Type.String({ pattern: '^[0-9A-Za-z.\\-]{1,32}$', description: 'National procedure code, e.g. 1.013416' }),
    name: Text(500),
    departmentId: Id,
    ...ruleFields,
  },
  { additionalProperties: false },
);

export const ProcedureRulesBody = Type.Object(ruleFields, { additionalProperties: false });

export const ProcedureRules = Type.Object(
  {
    id: Id,
    effectiveFrom: Instant,
    workingDays: Type.Number(),
    stepAllocation: Nullable(StepAllocation),
    hasFee: Type.Boolean(),
    fee: Nullable(Fee),
    supplementWindowDays: Nullable(Type.Number()),
    leadReview: Type.Boolean(),
    inspection: Type.Boolean(),
    supplementClock: SupplementClock,
    requiredPapers: Type.Array(RequiredPaper),
  },
  { additionalProperties: false },
);

export const Procedure = Type.Object(
  { id: Id, code: Type.String(), name: Type.String(), departmentId: Id, active: Type.Boolean(), createdAt: Instant, rules: ProcedureRules },
  { additionalProperties: false, title: 'Procedure' },
);

export const ProcedureChangeBody = Type.Object(
  { active: Type.Boolean({ description: 'Whether new dossiers may be submitted and received under it' }) },
  { additionalProperties: false },
);
