import { describe, expect, it } from 'vitest';
import { renderPage } from '../../src/web/render.ts';

describe('page rendering', () => {
  it('escapes text and attributes by default', () => {
    const evil = '<script>alert(1)</script>"';
    const html = renderPage(
      <html lang="vi">
        <body title={evil}>{evil}</body>
      </html>,
    );
    expect(html.startsWith('<!doctype html><html lang="vi">')).toBe(true);
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script>alert(1)&lt;/script>');
    expect(html).toContain('&quot;');
  });
});
