import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import {
  derivedTrackingSecret,
  guessingOdds,
  looksLikeTrackingSecret,
  newTrackingSecret,
  normaliseTrackingSecret,
  TRACKING_SECRET_ALPHABET,
  trackingSecretCandidates,
} from '../../src/domain/dossiers/tracking-secret.ts';

/** Issue 14 §3: a tracking secret a person types from paper on a phone. */
describe('the tracking secret', () => {
  it('is 12 characters in three groups of four, from an alphabet without look-alikes or punctuation', () => {
    expect(TRACKING_SECRET_ALPHABET).toHaveLength(31);
    for (const c of '01OIL' + 'abcdefghijklmnopqrstuvwxyz' + '_-.+/=') expect(TRACKING_SECRET_ALPHABET).not.toContain(c);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const s = newTrackingSecret();
      expect(s).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
      seen.add(s);
      for (const c of s.replace(/-/g, '')) expect(TRACKING_SECRET_ALPHABET).toContain(c);
    }
    expect(seen.size).toBe(2000);
  });

  it('uses every character of its alphabet about equally often (no bias a guesser could use)', () => {
    const counts = new Map<string, number>();
    const n = 4000;
    for (let i = 0; i < n; i++) for (const c of newTrackingSecret().replace(/-/g, '')) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(31);
    const expected = (n * 12) / 31;
    for (const count of counts.values()) expect(Math.abs(count - expected) / expected).toBeLessThan(0.15);
  });

  it('is read however it is typed: lower case, spaces, no dashes or other dashes', () => {
    const s = newTrackingSecret();
    const compact = s.replace(/-/g, '');
    for (const typed of [s, s.toLowerCase(), compact, compact.toLowerCase(), ` ${s.replace(/-/g, ' ')} `, s.replace(/-/g, '–'), `${compact.slice(0, 6)} ${compact.slice(6)}`]) {
      expect(normaliseTrackingSecret(typed), typed).toBe(s);
      expect(looksLikeTrackingSecret(typed)).toBe(true);
    }
    // A character outside the alphabet is no secret of the new format (0 for O, 1 for I: never issued).
    expect(normaliseTrackingSecret(`0${compact.slice(1)}`)).toBe(`0${compact.slice(1)}`);
  });

  it('leaves a secret of the old format (randomToken(18), base64url, case-sensitive) as it was typed, and tries it so', () => {
    const old = 'aB3-_xYz0123456789AbCdEf';
    expect(normaliseTrackingSecret(` ${old} `)).toBe(old);
    expect(trackingSecretCandidates(old)).toEqual([old]);
    expect(looksLikeTrackingSecret(old)).toBe(true);
    // An old secret that happens to read as 12 characters of the new alphabet once its dashes go is tried both ways.
    const ambiguous = 'ABCD-EFGH-JKMN'.toLowerCase();
    expect(trackingSecretCandidates(ambiguous)).toEqual(['ABCD-EFGH-JKMN', ambiguous]);
    expect(looksLikeTrackingSecret('a b')).toBe(false);
    expect(looksLikeTrackingSecret('x'.repeat(101))).toBe(false);
  });

  it('derived from a seed, is the same for the same seed and another for another', () => {
    expect(derivedTrackingSecret('portal:a:b')).toBe(derivedTrackingSecret('portal:a:b'));
    expect(derivedTrackingSecret('portal:a:b')).not.toBe(derivedTrackingSecret('portal:a:c'));
    expect(derivedTrackingSecret('portal:a:b')).toMatch(/^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){2}$/);
  });

  it('behind the default per-address budget, a year of guessing from one address hits with a chance below 10^-10', () => {
    const perMinute = loadConfig({}).publicSubmitPerIpPerMinute;
    expect(perMinute).toBe(30);
    const odds = guessingOdds(perMinute);
    expect(odds.guessesPerYear).toBe(15_768_000);
    expect(odds.space).toBe(31 ** 12);
    expect(odds.chancePerYear).toBeLessThan(1e-10);
    expect(odds.chancePerYear).toBeGreaterThan(1e-11);
  });
});
