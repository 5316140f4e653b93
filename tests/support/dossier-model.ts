import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import { dossierMachine, statePath, type DossierEvent, type DossierRules } from '../../machines/dossier/index.ts';

export const MODEL_AT = '2026-03-02T02:00:00.000Z';

/** One sample of every event for graph traversal; assignee 7 and 8 stand for two specialists. */
export const SAMPLE_EVENTS: DossierEvent[] = [
  { type: 'RECEIVE', at: MODEL_AT, dueAt: '2026-03-16T02:00:00.000Z', apologyBy: '2026-03-13T02:00:00.000Z' },
  { type: 'REQUEST_SUPPLEMENT', at: MODEL_AT, guidance: '1. Bản sao giấy chứng nhận đăng ký doanh nghiệp' },
  { type: 'SUPPLEMENT', at: MODEL_AT },
  { type: 'SUPPLEMENT_EXPIRED', at: MODEL_AT },
  { type: 'REFUSE', at: MODEL_AT, reason: 'Không thuộc thẩm quyền' },
  { type: 'ASSIGN', at: MODEL_AT, assigneeId: 7 },
  { type: 'REASSIGN', at: MODEL_AT, assigneeId: 8 },
  { type: 'VERIFY', at: MODEL_AT },
  { type: 'INVALID', at: MODEL_AT, reason: 'Thiếu bản vẽ mặt bằng' },
  { type: 'INSPECT', at: MODEL_AT, report: 'Cơ sở đạt yêu cầu' },
  { type: 'PROPOSE', at: MODEL_AT, opinion: 'Đề nghị cấp phép', proposedResult: 'grant' },
  { type: 'SEND_BACK', at: MODEL_AT, reason: 'Bổ sung ý kiến thẩm định' },
  { type: 'APPROVE', at: MODEL_AT },
  { type: 'DISAGREE', at: MODEL_AT, reason: 'Chưa đủ căn cứ' },
  { type: 'PAYMENT_RECEIVED', at: MODEL_AT, receiptNumber: 'BL-0001' },
  { type: 'RETURN_RESULT', at: MODEL_AT, method: 'counter' },
  { type: 'WITHDRAW', at: MODEL_AT, reason: 'Doanh nghiệp xin rút hồ sơ' },
  { type: 'STOP', at: MODEL_AT, reason: 'Theo đề nghị của cơ quan có thẩm quyền' },
  { type: 'ISSUE_APOLOGY', at: MODEL_AT, reason: 'Cần thêm thời gian thẩm định', newDueAt: '2026-03-20T02:00:00.000Z' },
  { type: 'STEP_OVERDUE', at: MODEL_AT, step: 'review', dueAt: '2026-03-11T08:00:00.000Z' },
  { type: 'APPOINTMENT_PASSED', at: MODEL_AT, dueAt: '2026-03-16T02:00:00.000Z' },
];

/** The procedure variations the flow knows: fee, no fee and no lead step, an inspection step. */
export const VARIANTS: Array<{ name: 'standard' | 'noLead' | 'inspection'; rules: DossierRules }> = [
  { name: 'standard', rules: { hasFee: true, leadReview: true, inspection: false, supplementClock: 'restart' } },
  { name: 'noLead', rules: { hasFee: false, leadReview: false, inspection: false, supplementClock: 'restart' } },
  { name: 'inspection', rules: { hasFee: true, leadReview: true, inspection: true, supplementClock: 'restart' } },
];

export interface ModelPath {
  /** `source --EVENT--> target`: the transition this path ends with. */
  transition: string;
  steps: Array<{ event: DossierEvent; state: string; snapshot: any }>;
}

/**
 * One path per transition of the machine (source state, event, target state) reachable under these
 * rules: the shortest path to a snapshot where the transition applies, then the transition itself.
 * Together the paths reach every state and take every transition (generated with xstate/graph).
 */
export function transitionPaths(rules: DossierRules): ModelPath[] {
  const options = { input: { rules }, events: SAMPLE_EVENTS } as const;
  const adjacency = getAdjacencyMap(dossierMachine, options as any) as Record<string, any>;
  const shortest = new Map<string, any>();
  for (const path of getShortestPaths(dossierMachine, options as any)) shortest.set(JSON.stringify(serial(path.state)), path);
  const chosen = new Map<string, ModelPath>();
  for (const vertex of Object.values(adjacency)) {
    const source = vertex.state;
    const toSource = shortest.get(JSON.stringify(serial(source)));
    if (!toSource) continue;
    for (const edge of Object.values(vertex.transitions) as any[]) {
      if (!source.can(edge.event)) continue;
      const transition = `${statePath(source.value)} --${edge.event.type}--> ${statePath(edge.state.value)}`;
      const steps = [
        ...toSource.steps.filter((s: any) => s.event.type !== 'xstate.init').map((s: any) => ({ event: s.event, state: statePath(s.state.value), snapshot: s.state })),
        { event: edge.event, state: statePath(edge.state.value), snapshot: edge.state },
      ];
      const current = chosen.get(transition);
      if (!current || current.steps.length > steps.length) chosen.set(transition, { transition, steps });
    }
  }
  return [...chosen.values()].sort((a, b) => a.transition.localeCompare(b.transition));
}

function serial(snapshot: any) {
  return { value: snapshot.value, context: snapshot.context };
}
