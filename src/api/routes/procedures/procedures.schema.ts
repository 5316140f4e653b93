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
    templateSha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: 'The form to fill in (mẫu đơn, tờ khai): the sha256 of a template uploaded with POST /api/procedure-templates, downloadable at GET /api/public/procedure-templates/{sha256}' })),
  },
  { additionalProperties: false, title: 'RequiredPaper' },
);

export const ruleFields = {
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
  timeLimitBasis: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'The document and article the time limit comes from' }))),
  feeBasis: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'The document and article the fee (or its absence) comes from' }))),
  feeNote: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'The amount as the fee circular says it (by area, per licence…)' }))),
  unverified: Type.Optional(Type.Array(Text(1000), { maxItems: 30, description: 'Figures of these rules not checked against the legal text, each with why: shown to the admin' })),
};

/** What the national portal publishes of a procedure besides its rules (Thông tư 02/2017/TT-VPCP). */
export const catalogueFields = {
  sector: Type.Optional(Nullable(Type.String({ maxLength: 200, description: 'Lĩnh vực, e.g. "Lưu thông hàng hóa trong nước"' }))),
  level: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'Cấp thực hiện, e.g. "Cấp tỉnh"' }))),
  applicants: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'Đối tượng thực hiện' }))),
  agency: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'Cơ quan thực hiện (who decides, who receives)' }))),
  conditions: Type.Optional(Nullable(Type.String({ maxLength: 10000, description: 'Điều kiện thực hiện' }))),
  legalBasis: Type.Optional(Nullable(Type.String({ maxLength: 10000, description: 'Căn cứ pháp lý' }))),
  result: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: 'Kết quả thực hiện (the licence or certificate issued)' }))),
};
const catalogueView = {
  sector: Nullable(Type.String()),
  level: Nullable(Type.String()),
  applicants: Nullable(Type.String()),
  agency: Nullable(Type.String()),
  conditions: Nullable(Type.String()),
  legalBasis: Nullable(Type.String()),
  result: Nullable(Type.String()),
};

export const NewProcedureBody = Type.Object(
  {
    code: Type.String({ pattern: '^[0-9A-Za-z.\\-]{1,32}$', description: 'National procedure code, e.g. 1.013416' }),
    name: Text(500),
    departmentId: Id,
    ...ruleFields,
    ...catalogueFields,
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
    timeLimitBasis: Nullable(Type.String()),
    feeBasis: Nullable(Type.String()),
    feeNote: Nullable(Type.String()),
    unverified: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

export const Procedure = Type.Object(
  { id: Id, code: Type.String(), name: Type.String(), departmentId: Id, active: Type.Boolean(), createdAt: Instant, ...catalogueView, rules: ProcedureRules },
  { additionalProperties: false, title: 'Procedure' },
);

export const ProcedureChangeBody = Type.Object(
  {
    active: Type.Optional(Type.Boolean({ description: 'Whether new dossiers may be submitted and received under it' })),
    name: Type.Optional(Text(500)),
    ...catalogueFields,
  },
  { additionalProperties: false, minProperties: 1 },
);

