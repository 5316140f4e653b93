import type { ListThreads } from '../api/list-threads/list-threads.ts';
import { yearSchedule } from '../calendar/working-calendar.ts';
import { MACHINE_DEFINITIONS } from '../domain/machines.ts';
import { ErrorPage } from './error-page.tsx';
import { FlowDiagram } from './flow/flow-diagram.tsx';
import { prepareFlowLayouts } from './flow/flow-layout.ts';
import { renderPage } from './render.ts';

/**
 * What the first pages after a start would otherwise load or compute on a user's request, done before
 * the server listens (issue 14 §5: a dossier page took 3.6 s the first time, then 130–320 ms): every
 * registered machine version's flow drawing laid out by ELK (the elkjs bundle loaded and ≈ 0.2–0.5 s of
 * layout per version), and the working calendar's year tables around today (date-holidays' lunar
 * calendar, for Tết and Giỗ Tổ Hùng Vương), and the dossier lists' read threads started (each loads
 * the domain's modules through tsx and opens its connection, a second or more); then the page frame
 * and every drawing rendered once, so that the renderer's code is compiled too. The page modules
 * themselves are imported with the app.
 * @returns how long it took, in milliseconds, for the start-up log.
 */
export async function warmPages(deps: { clock: () => Date; listThreads?: ListThreads | null }): Promise<number> {
  const started = performance.now();
  const threads = deps.listThreads?.ready();
  await prepareFlowLayouts();
  const now = deps.clock();
  const year = now.getUTCFullYear();
  for (const y of [year - 1, year, year + 1]) yearSchedule(y);
  const page = { principal: null, csrf: '', sessionCsrf: '', path: '/', now };
  for (let i = 0; i < 3; i++) {
    renderPage(ErrorPage({ page, status: 404 }));
    for (const def of MACHINE_DEFINITIONS) renderPage(FlowDiagram({ machineId: def.id, version: def.version, currentState: null, taken: [] }));
  }
  await threads;
  return Math.round(performance.now() - started);
}
