import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';

/**
 * The pages are typed TSX (preact) rendered to strings on the server: text and attributes are escaped
 * by default, and `tsc` checks every template like the rest of the code. No front-end build step.
 */
export function renderPage(page: VNode): string {
  return `<!doctype html>${render(page)}`;
}
