import type { Config } from '../../config.ts';

/**
 * The SMS provider's HTTP gateway, as idesk speaks to it: one `POST` of JSON to the configured URL,
 *
 *   { "from": "<SMS_SENDER>", "to": "84912345678", "text": "…", "reference": "<job id>" }
 *
 * with `Authorization: Bearer <SMS_GATEWAY_TOKEN>` when a token is configured. A 2xx answer is a sent
 * message. `reference` is the same on every retry of one notice, so a provider that keeps it can drop
 * the second copy of a message whose first answer was lost (our side is at-least-once). Providers that
 * take another shape are put behind a small adapter at that URL: the contract here stays one.
 */
export interface SmsMessage {
  to: string;
  text: string;
  reference: string;
}

/** A send that failed; `permanent` when trying again cannot help (the gateway refused the request itself). */
export class SmsGatewayError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'SmsGatewayError';
  }
}

/**
 * Sends one SMS, waiting at most the configured timeout.
 * @throws SmsGatewayError: permanent for a 4xx answer other than 408 and 429 (a bad number, a refused
 *   token: retrying sends the same), temporary for 5xx, 408, 429, a timeout or a connection refused.
 */
export async function sendSms(gateway: NonNullable<Config['sms']>, message: SmsMessage): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' };
  if (gateway.token) headers.authorization = `Bearer ${gateway.token}`;
  let res: Response;
  try {
    res = await fetch(gateway.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ from: gateway.sender, to: message.to, text: message.text, reference: message.reference }),
      signal: AbortSignal.timeout(gateway.timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    const cause = (err as Error).name === 'TimeoutError' ? `no answer within ${gateway.timeoutMs} ms` : (err as Error).message;
    throw new SmsGatewayError(`SMS gateway unreachable: ${cause}`, false);
  }
  // The answer's body says why, in the provider's words; kept short for the job's error.
  const body = (await res.text().catch(() => '')).slice(0, 200);
  if (res.ok) return;
  const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
  throw new SmsGatewayError(`SMS gateway answered ${res.status}${body ? `: ${body}` : ''}`, permanent);
}
