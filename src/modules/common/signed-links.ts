import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from './clock';

/** How long a signed download link answers: long enough to click, short enough to leak little. */
export const SIGNED_LINK_TTL_SECONDS = 15 * 60;

/** What a signed link says about a request: it is valid, or why it is not. */
export type LinkCheck = 'valid' | 'expired' | 'forged';

/**
 * Download links that answer without a bearer token (browsers cannot send one on a link):
 * `?expires=<unix seconds>&signature=<hex HMAC-SHA256>` over the resource's name and the expiry,
 * under a key of the server's. A resource's name says what it is (`attachment:<id>`), so a
 * signature for one kind of object never opens another with the same key.
 */
export class SignedLinks {
  constructor(
    private readonly key: string | Buffer,
    private readonly clock: Clock,
  ) {}

  /** The query string (without `?`) that opens `resource` until the TTL from now. */
  sign(resource: string, ttlSeconds = SIGNED_LINK_TTL_SECONDS): string {
    const expires = Math.floor(this.clock.now().getTime() / 1000) + ttlSeconds;
    return new URLSearchParams({
      expires: String(expires),
      signature: this.mac(resource, expires),
    }).toString();
  }

  /** Whether `expires` and `signature` (as they came in the query) open `resource` now. */
  check(resource: string, expires: string, signature: string): LinkCheck {
    if (!/^\d{1,12}$/.test(expires) || !/^[0-9a-f]{64}$/.test(signature)) return 'forged';
    const expected = Buffer.from(this.mac(resource, Number(expires)), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return 'forged';
    return Number(expires) * 1000 <= this.clock.now().getTime() ? 'expired' : 'valid';
  }

  private mac(resource: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${resource}\n${expires}`).digest('hex');
  }
}

/**
 * Why a download is refused to a request with no viewer and no valid link: an expired or altered
 * link is FORBIDDEN (it was a link, just not a good one), nothing at all is UNAUTHENTICATED.
 */
export function refusalWithoutViewer(check: LinkCheck | undefined): {
  reason: 'FORBIDDEN' | 'UNAUTHENTICATED';
  message: string;
} {
  if (check === 'expired')
    return { reason: 'FORBIDDEN', message: 'The link has expired: ask for a new one' };
  if (check === 'forged') return { reason: 'FORBIDDEN', message: 'The link is not valid' };
  return {
    reason: 'UNAUTHENTICATED',
    message: 'Send "Authorization: Bearer <token>" or use a signed link',
  };
}
