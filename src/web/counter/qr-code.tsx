import QRCode from 'qrcode';

/**
 * A QR code drawn on the server as an SVG of preact elements: the `qrcode` package encodes the text
 * (error correction M, legible on a printed slip), and the dark modules become one path. No script, no
 * inline style, nothing fetched: it prints with the page.
 */
export function QrCode({ text, label, size = 120 }: { text: string; label: string; size?: number }) {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const quiet = 4;
  let d = '';
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) if (modules.get(y, x)) d += `M${x + quiet} ${y + quiet}h1v1h-1z`;
  }
  const side = n + 2 * quiet;
  return (
    <svg class="qr" role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${side} ${side}`} shape-rendering="crispEdges" xmlns="http://www.w3.org/2000/svg">
      <title>{label}</title>
      <rect width={side} height={side} fill="#ffffff" />
      <path d={d} fill="#000000" />
    </svg>
  );
}
