import { createHmac, timingSafeEqual } from 'node:crypto';

const TOKEN = /^([0-9a-z]{1,12})-([0-9a-f]{32})$/;

/**
 * The token in a satisfaction survey's link: `<survey id, base 36>-<MAC>`, the MAC being 128 bits
 * of an HMAC-SHA256 of the survey id under a key of the server's (derived from its secret). A
 * token for one survey cannot be made from another's, and an altered one is recognised as forged
 * before the database is asked.
 */
export class SurveyTokens {
  constructor(private readonly key: string | Buffer) {}

  tokenFor(surveyId: number): string {
    return `${surveyId.toString(36)}-${this.mac(surveyId)}`;
  }

  /** The survey a token names, or null when it is malformed or forged. */
  surveyIdOf(token: string): number | null {
    const parts = TOKEN.exec(token.trim().toLowerCase());
    if (!parts) return null;
    const surveyId = parseInt(parts[1], 36);
    if (!Number.isSafeInteger(surveyId) || surveyId <= 0) return null;
    const expected = Buffer.from(this.mac(surveyId));
    return timingSafeEqual(expected, Buffer.from(parts[2])) ? surveyId : null;
  }

  private mac(surveyId: number): string {
    return createHmac('sha256', this.key)
      .update(`satisfaction-survey:${surveyId}`)
      .digest('hex')
      .slice(0, 32);
  }
}
