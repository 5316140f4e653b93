import { INCOMING_DOCUMENT_STATES } from '../../machines/incoming-document/index.ts';
import { OUTGOING_DOCUMENT_STATES } from '../../machines/outgoing-document/index.ts';
import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { render } from 'preact-render-to-string';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMachine, type AnyStateMachine } from 'xstate';
import { DOSSIER_MACHINE_VERSION, DOSSIER_STATES } from '../../machines/dossier/index.ts';
import { MACHINE_DEFINITIONS } from '../../src/domain/machines.ts';
import { machineFlow } from '../../src/domain/workflow/machine-flow.ts';
import { FlowDiagram, FlowDrawing, type FlowStep } from '../../src/web/flow/flow-diagram.tsx';
import { DOSSIER_FLOW_LABELS, type FlowLabels } from '../../src/web/flow/flow-labels.ts';
import { cachedFlowLayout, layoutMachineFlow, prepareFlowLayout, prepareFlowLayouts } from '../../src/web/flow/flow-layout.ts';
import { FlowSummary, flowSummary } from '../../src/web/flow/flow-summary.tsx';
import { TABLE } from '../support/dossier-table.ts';

/** The attributes of every `<g>` of the drawing whose class list has `cls`, entities decoded. */
function groups(svg: string, cls: string): Array<Record<string, string>> {
  const decode = (v: string) => v.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return [...svg.matchAll(/<g\s([^>]*)>/g)]
    .map((m) => Object.fromEntries([...(m[1] as string).matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1] as string, decode(a[2] as string)])))
    .filter((attrs) => (attrs.class ?? '').split(' ').includes(cls));
}

const draw = (machineId: string, version: number, currentState: string | null = null, taken: FlowStep[] = []) =>
  render(<FlowDiagram machineId={machineId} version={version} currentState={currentState} taken={taken} />);

/** What the drawing offers from a leaf state: its own and its containers' edges and in-place events. */
function offeredFrom(svg: string, leaf: string): Set<string> {
  const within = (p: string, ancestor: string) => p === ancestor || p.startsWith(`${ancestor}.`);
  const out = new Set<string>();
  for (const e of groups(svg, 'flow-edge')) if (within(leaf, e['data-source'] as string)) out.add(`${e['data-event']}→${e['data-target']}`);
  for (const s of groups(svg, 'flow-stays')) if (within(leaf, s['data-stays-of'] as string)) for (const ev of (s['data-stays'] as string).split(' ')) out.add(`${ev}→=`);
  return out;
}

/**
 * The transitions of a machine as xstate itself serialises its definition (`machine.definition`, the
 * JSON the definition hash is taken of), not as machine-flow.ts walks the state nodes.
 */
function definitionTransitions(machine: AnyStateMachine): string[] {
  const out: string[] = [];
  const strip = (id: string) => id.replace(/^#[^.]+\./, '');
  const walk = (node: { id: string; on: Record<string, Array<{ target?: string[] }>>; states: Record<string, unknown> }) => {
    for (const [event, defs] of Object.entries(node.on)) {
      for (const def of defs) for (const target of def.target ?? [null]) out.push(`${strip(`#${node.id}`)}|${event}|${target === null ? '' : strip(target)}`);
    }
    for (const child of Object.values(node.states)) walk(child as typeof node);
  };
  for (const child of Object.values((JSON.parse(JSON.stringify(machine.definition)) as { states: Record<string, unknown> }).states)) walk(child as never);
  return out.sort();
}

/** The transitions the drawing shows: an edge each, or a name among a state's in-place events. */
function drawnTransitions(svg: string): string[] {
  const edges = groups(svg, 'flow-edge').map((e) => `${e['data-source']}|${e['data-event']}|${e['data-target']}`);
  const stays = groups(svg, 'flow-stays').flatMap((s) => (s['data-stays'] as string).split(' ').map((ev) => `${s['data-stays-of']}|${ev}|`));
  return [...edges, ...stays].sort();
}

beforeAll(async () => {
  await prepareFlowLayouts();
});

describe('the flow drawn from every registered machine version', () => {
  it.each(MACHINE_DEFINITIONS.map((d) => [`${d.id} v${d.version}`, d] as const))('%s: a box for every state, an edge for every transition', (_label, d) => {
    const svg = draw(d.id, d.version);
    const drawnStates = groups(svg, 'flow-state').map((g) => g['data-state']);
    // The hand-written lists of the API's states (dossier.types.ts, with the department stage as a container;
    // the document machines' types).
    const expected: Record<string, readonly string[]> = {
      dossier: [...DOSSIER_STATES, 'inDepartment'],
      'incoming-document': INCOMING_DOCUMENT_STATES,
      'outgoing-document': OUTGOING_DOCUMENT_STATES,
    };
    expect(new Set(drawnStates)).toEqual(new Set(expected[d.id]));
    expect(drawnStates).toHaveLength((expected[d.id] as readonly string[]).length);
    expect(drawnTransitions(svg)).toEqual(definitionTransitions(d.machine));
    // Every edge is drawn as a line of at least two points with an arrowhead, and has a label.
    const lines = [...svg.matchAll(/<g class="flow-edge[ "][^>]*><polyline points="([^"]*)"[^>]*marker-end="url\(#flow-[a-z-]+-\d-arrow/g)];
    expect(lines).toHaveLength(groups(svg, 'flow-edge').length);
    for (const [, points] of lines) expect((points as string).split(' ').length).toBeGreaterThanOrEqual(2);
    expect(groups(svg, 'flow-edge-label')).toHaveLength(groups(svg, 'flow-edge').length);
  });

  it('offers from each state of the current dossier machine exactly what DESIGN §3’s table says it takes', () => {
    const svg = draw('dossier', DOSSIER_MACHINE_VERSION);
    for (const state of DOSSIER_STATES) {
      const expected = new Set(TABLE.filter((r) => r.state === state).flatMap((r) => Object.entries(r.takes).map(([event, target]) => `${event}→${target}`)));
      expect(offeredFrom(svg, state), state).toEqual(expected);
    }
  });

  it('labels states and events in Vietnamese, with the machine’s names where no label is given', () => {
    const svg = draw('dossier', 3);
    expect(svg).toContain('Lãnh đạo Sở phê duyệt');
    expect(svg).toContain('Phê duyệt (có phí)');
    expect(svg).toContain('↻ Phân công, Phân công lại');
    expect(svg).toContain('<title id="flow-dossier-3-title">Quy trình giải quyết hồ sơ</title>');
    expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*aria-labelledby="flow-dossier-3-title"/);
  });

  it('needs no inline style or script: presentation attributes only, under a strict CSP', () => {
    const svg = draw('dossier', 3, 'leadershipApproval', [{ type: 'SUBMIT', fromState: null, toState: 'submitted' }]);
    expect(svg).not.toMatch(/\sstyle=|<style|<script|\son\w+=|javascript:/i);
  });
});

describe('a toy machine', () => {
  const toy = (target: string) =>
    createMachine({
      id: 'toy',
      initial: 'a',
      states: {
        a: { on: { GO: target, NOTE: {} } },
        b: { on: { BACK: 'a', IN: 'box' } },
        // A compound state entered as a whole: the edge goes to its container.
        box: { initial: 'x', states: { x: { on: { OUT: '#toy.c' } }, y: {} }, on: { NEXT: '.y' } },
        c: { type: 'final' },
      },
    });

  it('changing a target in the machine changes the edge drawn', async () => {
    const toB = render(<FlowDrawing layout={await layoutMachineFlow(machineFlow(toy('b')), DOSSIER_FLOW_LABELS, 1)} currentState="a" />);
    const toC = render(<FlowDrawing layout={await layoutMachineFlow(machineFlow(toy('c')), DOSSIER_FLOW_LABELS, 1)} currentState="a" />);
    const go = (svg: string) => groups(svg, 'flow-edge').filter((e) => e['data-event'] === 'GO').map((e) => e['data-target']);
    expect(go(toB)).toEqual(['b']);
    expect(go(toC)).toEqual(['c']);
    // The targetless NOTE stays in `a`, listed there; unlabelled names are drawn as they are.
    expect(groups(toB, 'flow-stays').map((s) => [s['data-stays-of'], s['data-stays']])).toEqual([['a', 'NOTE']]);
    expect(toB).toContain('>GO<');
    expect(groups(toB, 'flow-edge').map((e) => `${e['data-source']}|${e['data-event']}|${e['data-target']}`)).toEqual(['a|GO|b', 'b|BACK|a', 'b|IN|box', 'box|NEXT|box.y', 'box.x|OUT|c']);
  });

  it('escapes every text it draws', async () => {
    const labels: FlowLabels = {
      title: 'Luồng <b>thử</b> & "kiểm tra"',
      states: { a: 'A <script>alert(1)</script>', b: 'B & C' },
      events: { GO: '<img src=x onerror=alert(1)>', BACK: 'Quay lại & "thử"' },
      guards: {},
    };
    const svg = render(<FlowDrawing layout={await layoutMachineFlow(machineFlow(toy('b')), labels, 1)} currentState="a" />);
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<img');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('A &lt;script>alert(1)&lt;/script>');
    expect(svg).toContain('B &amp; C');
    expect(svg).toContain('Luồng &lt;b>thử&lt;/b> &amp; &quot;kiểm tra&quot;');
  });
});

describe('one record on the flow', () => {
  /** A dossier received, assigned, verified with a department lead, proposed: now with the director. */
  const TIMELINE: FlowStep[] = [
    { type: 'SUBMIT', fromState: null, toState: 'submitted' },
    { type: 'RECEIVE', fromState: 'submitted', toState: 'inDepartment.review' },
    { type: 'ASSIGN', fromState: 'inDepartment.review', toState: 'inDepartment.review' },
    { type: 'VERIFY', fromState: 'inDepartment.review', toState: 'inDepartment.leadReview' },
    { type: 'PROPOSE', fromState: 'inDepartment.leadReview', toState: 'leadershipApproval' },
  ];

  it('highlights the current state, and only it', () => {
    for (const current of DOSSIER_STATES) {
      const svg = draw('dossier', 3, current);
      const marked = groups(svg, 'flow-state').filter((g) => g['data-current'] === 'true');
      expect(marked.map((g) => g['data-state'])).toEqual([current]);
      expect(groups(svg, 'flow-state--current').map((g) => g['data-state'])).toEqual([current]);
    }
    expect(groups(draw('dossier', 3), 'flow-state--current')).toEqual([]);
  });

  it('marks the states visited and the transitions taken, and nothing else', () => {
    const svg = draw('dossier', 3, 'leadershipApproval', TIMELINE);
    expect(groups(svg, 'flow-state--visited').map((g) => g['data-state']).sort()).toEqual(
      ['inDepartment', 'inDepartment.leadReview', 'inDepartment.review', 'leadershipApproval', 'submitted'].sort(),
    );
    expect(groups(svg, 'flow-edge--taken').map((e) => `${e['data-source']}|${e['data-event']}|${e['data-target']}`).sort()).toEqual(
      ['inDepartment.leadReview|PROPOSE|leadershipApproval', 'inDepartment.review|VERIFY|inDepartment.leadReview', 'submitted|RECEIVE|inDepartment.review'].sort(),
    );
    // ASSIGN kept the dossier where it was: marked among review's in-place events.
    expect(groups(svg, 'flow-stays--taken').map((s) => [s['data-stays-of'], s['data-taken']])).toEqual([['inDepartment.review', 'ASSIGN']]);
    expect(groups(svg, 'flow-start--taken')).toHaveLength(1);
    expect(groups(svg, 'flow-edge-label--taken').map((l) => l['data-event']).sort()).toEqual(['PROPOSE', 'RECEIVE', 'VERIFY']);
    expect(svg).toContain('Trạng thái hiện tại: Lãnh đạo Sở phê duyệt.');
  });

  it('marks a transition declared on a container for the child it left from', () => {
    const svg = draw('dossier', 3, 'withdrawn', [...TIMELINE.slice(0, 2), { type: 'WITHDRAW', fromState: 'inDepartment.review', toState: 'withdrawn' }]);
    expect(groups(svg, 'flow-edge--taken').map((e) => `${e['data-source']}|${e['data-event']}`).sort()).toEqual(['inDepartment|WITHDRAW', 'submitted|RECEIVE']);
  });

  it('draws without a history: nothing marked', () => {
    const svg = draw('dossier', 3);
    expect(groups(svg, 'flow-edge--taken')).toEqual([]);
    expect(groups(svg, 'flow-state--visited')).toEqual([]);
    expect(groups(svg, 'flow-start--taken')).toEqual([]);
  });
});

describe('the layout cache', () => {
  it('lays a machine version out once', async () => {
    const first = await prepareFlowLayout('dossier', 3);
    expect(await prepareFlowLayout('dossier', 3)).toBe(first);
    expect(cachedFlowLayout('dossier', 3)).toBe(first);
  });

  it('refuses an unregistered version, and a drawing whose layout was not prepared', async () => {
    await expect(prepareFlowLayout('dossier', 99)).rejects.toThrow(/version 99 is not registered/);
    expect(() => draw('dossier', 99)).toThrow(/prepareFlowLayout/);
  });
});

describe('the dossier flow in Chromium', () => {
  const DIR = path.resolve(import.meta.dirname, 'screenshots');
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders readably at the width of a detail page: no label over another or over a state', async () => {
    const svg = draw('dossier', DOSSIER_MACHINE_VERSION, 'leadershipApproval', [
      { type: 'SUBMIT', fromState: null, toState: 'submitted' },
      { type: 'RECEIVE', fromState: 'submitted', toState: 'inDepartment.review' },
      { type: 'ASSIGN', fromState: 'inDepartment.review', toState: 'inDepartment.review' },
      { type: 'VERIFY', fromState: 'inDepartment.review', toState: 'inDepartment.leadReview' },
      { type: 'PROPOSE', fromState: 'inDepartment.leadReview', toState: 'leadershipApproval' },
    ]);
    fs.mkdirSync(DIR, { recursive: true });
    fs.writeFileSync(path.join(DIR, 'flow-dossier.svg'), `${svg}\n`);
    const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
    const page = await context.newPage();
    await page.setContent(`<!doctype html><html lang="vi"><body style="margin:0">${svg}</body></html>`);
    const boxes = await page.evaluate(() => {
      const rect = (el: Element) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, w: r.width, h: r.height };
      };
      const svgEl = document.querySelector('svg') as SVGSVGElement;
      return {
        svg: rect(svgEl),
        labels: [...document.querySelectorAll('.flow-edge-label text, .flow-state-header text')].map((el) => ({ text: el.textContent ?? '', ...rect(el) })),
        states: [...document.querySelectorAll('.flow-state:not(.flow-state--compound) > rect:first-child')].map((el) => ({ text: el.parentElement?.getAttribute('data-state') ?? '', ...rect(el) })),
        fontSizes: [...document.querySelectorAll('text')].map((el) => parseFloat(getComputedStyle(el).fontSize)),
      };
    });
    const axe = await new AxeBuilder({ page }).include('svg').analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await page.screenshot({ path: path.join(DIR, 'flow-dossier.png'), fullPage: true });
    await context.close();

    expect(boxes.svg.w).toBeLessThanOrEqual(900);
    expect(Math.min(...boxes.fontSizes)).toBeGreaterThanOrEqual(10.5);
    type Box = { text: string; x: number; y: number; w: number; h: number };
    const overlap = (a: Box, b: Box) => a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;
    const clashes: string[] = [];
    boxes.labels.forEach((a, i) => {
      for (const b of boxes.labels.slice(i + 1)) if (overlap(a, b)) clashes.push(`"${a.text}" / "${b.text}"`);
      for (const s of boxes.states) if (overlap(a, s)) clashes.push(`"${a.text}" over ${s.text}`);
    });
    expect(clashes).toEqual([]);
    expect(boxes.labels.length).toBeGreaterThan(30);
  });
});

describe('the flow in the sidebar: the path so far and the next steps, not the whole machine', () => {
  const TIMELINE: FlowStep[] = [
    { type: 'SUBMIT', fromState: null, toState: 'submitted' },
    { type: 'RECEIVE', fromState: 'submitted', toState: 'inDepartment.review' },
    { type: 'ASSIGN', fromState: 'inDepartment.review', toState: 'inDepartment.review' },
    { type: 'VERIFY', fromState: 'inDepartment.review', toState: 'inDepartment.leadReview' },
    { type: 'PROPOSE', fromState: 'inDepartment.leadReview', toState: 'leadershipApproval' },
  ];
  const within = (p: string, ancestor: string) => p === ancestor || p.startsWith(`${ancestor}.`);

  beforeAll(async () => {
    await prepareFlowLayouts();
  });

  it('lists the states the dossier went through, once each, the current one last, with the event that led there', () => {
    const s = flowSummary('dossier', DOSSIER_MACHINE_VERSION, 'leadershipApproval', TIMELINE);
    expect(s.path.map((p) => p.state)).toEqual(['submitted', 'inDepartment.review', 'inDepartment.leadReview', 'leadershipApproval']);
    expect(s.path.map((p) => p.label)).toEqual(['Mới nộp, chờ tiếp nhận', 'Chuyên viên thẩm định', 'Lãnh đạo phòng xem xét', 'Lãnh đạo Sở phê duyệt']);
    expect(s.path[1]?.via).toBe(DOSSIER_FLOW_LABELS.events.RECEIVE);
    expect(s.final).toBe(false);
    // Without a history (an old record): the current state alone.
    expect(flowSummary('dossier', DOSSIER_MACHINE_VERSION, 'inDepartment.review', []).path.map((p) => p.state)).toEqual(['inDepartment.review']);
  });

  it('offers as next steps exactly the moves DESIGN §3’s table gives each state (in-place events apart)', () => {
    const states = [...new Set(TABLE.map((r) => r.state))];
    for (const state of states) {
      // An event may lead to several states by its guards (VERIFY: the lead, the inspection, the director).
      const expected = new Map<string, Set<string>>();
      for (const row of TABLE.filter((r) => r.state === state)) {
        for (const [event, target] of Object.entries(row.takes)) if (target !== '=') expected.set(event, (expected.get(event) ?? new Set()).add(target as string));
      }
      const s = flowSummary('dossier', DOSSIER_MACHINE_VERSION, state, []);
      const offered = new Map<string, string[]>();
      for (const n of s.next) offered.set(n.event, [...(offered.get(n.event) ?? []), n.target]);
      expect([...offered.keys()].sort(), state).toEqual([...expected.keys()].sort());
      for (const [event, targets] of expected) {
        for (const target of targets) expect(offered.get(event)?.some((t) => within(target, t)), `${state} ${event} → ${target}`).toBe(true);
      }
    }
    const done = flowSummary('dossier', DOSSIER_MACHINE_VERSION, 'completed', []);
    expect(done).toMatchObject({ final: true, next: [] });
  });

  it('renders lists, not a drawing: the current step marked for a screen reader, a link to the whole drawing', () => {
    const html = render(<FlowSummary machineId="dossier" version={DOSSIER_MACHINE_VERSION} currentState="leadershipApproval" taken={TIMELINE} fullHref="/dossiers/7/flow" />);
    expect(html).not.toContain('<svg');
    expect([...html.matchAll(/aria-current="step"/g)]).toHaveLength(1);
    expect(html).toMatch(/<li class="flow-path__current" aria-current="step" data-state="leadershipApproval">/);
    expect(html).toContain('<a href="/dossiers/7/flow">Xem toàn bộ sơ đồ quy trình</a>');
    expect([...html.matchAll(/<li data-event=/g)].length).toBe(flowSummary('dossier', DOSSIER_MACHINE_VERSION, 'leadershipApproval', []).next.length);
  });
});
