import type { ComponentChildren } from 'preact';

/** A message above the content: an error (announced at once to screen readers), a success or a note. */
export function Notice({ kind, title, children }: { kind: 'error' | 'ok' | 'info'; title?: string; children?: ComponentChildren }) {
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {title && <p><strong>{title}</strong></p>}
      {children}
    </div>
  );
}
