import { createHash, randomBytes } from 'node:crypto';

/**
 * The applicant's tracking secret (mã bảo mật tra cứu): what a citizen types from the paper receipt, on a
 * phone, to follow the dossier, supplement it and download the result.
 *
 * - 12 characters from a 31-character alphabet, printed in three groups of four (`7KQM-3XRT-HD9P`).
 * - The alphabet leaves out what is misread or mistyped from paper: 0/O, 1/I/L (and so l), and every
 *   punctuation mark. Letters are upper case on paper; what is typed is read case-insensitively, with
 *   spaces and dashes (also the en dash a phone's keyboard may put) ignored.
 * - Entropy: 12 · log2(31) ≈ 59.4 bits, 31^12 ≈ 7.9 · 10^17 secrets.
 *
 * Why that is enough: every route that tries a secret (the public API and the portal's tracking form and
 * pages) goes through the per-address budget (PUBLIC_SUBMIT_PER_IP_PER_MINUTE, 30 a minute by default,
 * src/api/routes/public/public.routes.ts guessCounted, src/web/portal/portal.pages.tsx): one address gets
 * at most 30 · 60 · 24 · 365 = 15 768 000 guesses a year. Each guess names one dossier code, so it hits
 * with probability 1/31^12 whatever dossier it aims at: a year of guessing from one address at the full
 * budget hits with probability 15 768 000 / 31^12 ≈ 2.0 · 10^-11, and a thousand addresses together
 * ≈ 2.0 · 10^-8 (see {@link guessingOdds}; tests/domain/tracking-secret.test.ts keeps it under 10^-10).
 *
 * Secrets issued before (randomToken(18): 24 base64url characters, case-sensitive) keep working: the
 * stored value is sha256 hex of the secret as issued, so a typed secret is tried both as issued in the
 * new format (normalised) and exactly as typed (the old one).
 */
export const TRACKING_SECRET_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const TRACKING_SECRET_LENGTH = 12;
const GROUP = 4;

/** What a typed secret may carry around its characters: spaces, dashes of every kind, as typed from paper. */
const SEPARATORS = /[\s\-‐‑‒–—]/g;
const NEW_FORMAT = new RegExp(`^[${TRACKING_SECRET_ALPHABET}]{${TRACKING_SECRET_LENGTH}}$`);
/** The secrets issued before this format (randomToken: base64url), and what the portal derived. */
const OLD_FORMAT = /^[A-Za-z0-9_-]{16,100}$/;

/**
 * The secret whose 12 characters come from these bytes: read as one big number and written in base 31.
 * With 16 bytes or more the bias is below 31^12 / 2^128 ≈ 2 · 10^-21 (every secret about equally likely).
 */
function secretOf(bytes: Uint8Array): string {
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  const base = BigInt(TRACKING_SECRET_ALPHABET.length);
  let chars = '';
  for (let i = 0; i < TRACKING_SECRET_LENGTH; i++) {
    chars += TRACKING_SECRET_ALPHABET[Number(n % base)];
    n /= base;
  }
  return group(chars);
}

function group(chars: string): string {
  const groups: string[] = [];
  for (let i = 0; i < chars.length; i += GROUP) groups.push(chars.slice(i, i + GROUP));
  return groups.join('-');
}

/** A fresh random tracking secret, as printed: `XXXX-XXXX-XXXX`. */
export function newTrackingSecret(): string {
  return secretOf(randomBytes(16));
}

/**
 * A tracking secret derived from a seed (the portal derives it from the browser's form cookie and the
 * form's key, so that a replayed submission shows the same secret): as unpredictable as the seed.
 */
export function derivedTrackingSecret(seed: string): string {
  return secretOf(createHash('sha256').update(seed).digest());
}

/**
 * A secret as typed, in the form it was issued: a new-format secret in upper case and grouped whatever
 * its case, spaces and dashes; anything else (a secret of the old format) trimmed and otherwise as typed.
 */
export function normaliseTrackingSecret(typed: string): string {
  const compact = typed.replace(SEPARATORS, '').toUpperCase();
  return NEW_FORMAT.test(compact) ? group(compact) : typed.trim();
}

/**
 * The forms a typed secret may have been issued in, to be hashed and compared: the normalised new format
 * and, for the secrets of the old format (case-sensitive, possibly with dashes of their own), the secret
 * exactly as typed.
 */
export function trackingSecretCandidates(typed: string): string[] {
  const normalised = normaliseTrackingSecret(typed);
  const asTyped = typed.trim();
  return normalised === asTyped ? [asTyped] : [normalised, asTyped];
}

/** Whether a value may be a tracking secret at all (new or old format); anything else is not tried. */
export function looksLikeTrackingSecret(value: string): boolean {
  return NEW_FORMAT.test(value.replace(SEPARATORS, '').toUpperCase()) || OLD_FORMAT.test(value.trim());
}

/**
 * The odds of guessing, from one address at the full per-address budget: guesses a year and the chance
 * that one of them hits (each guess names one dossier's code, so it hits with probability 1/31^12).
 */
export function guessingOdds(perMinute: number): { guessesPerYear: number; space: number; chancePerYear: number } {
  const guessesPerYear = perMinute * 60 * 24 * 365;
  const space = TRACKING_SECRET_ALPHABET.length ** TRACKING_SECRET_LENGTH;
  return { guessesPerYear, space, chancePerYear: guessesPerYear / space };
}
