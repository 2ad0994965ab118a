import { createHmac, timingSafeEqual } from 'node:crypto';

/** How a recipient address reads: not ours, the desk's plain address, or a reply token. */
export type AddressMatch =
  { kind: 'other' } | { kind: 'desk' } | { kind: 'ticket'; ticketId: number } | { kind: 'forged' };

const TOKEN = /^([0-9a-z]{1,12})-([0-9a-f]{20})$/;

/**
 * The signed reply address of a ticket: `<local>+<ticket id, base 36>-<MAC>@<domain>`. The MAC is
 * 80 bits of an HMAC-SHA256 of the ticket id under a secret of the server's, so an address for a
 * ticket cannot be guessed from another ticket's, and a changed token is recognised as forged.
 * Lowercase only: some mail servers lowercase the local part.
 */
export class ReplyAddresses {
  readonly local: string;
  readonly domain: string;

  constructor(
    private readonly secret: string,
    supportAddress: string,
  ) {
    const at = supportAddress.lastIndexOf('@');
    this.local = supportAddress.slice(0, at).toLowerCase();
    this.domain = supportAddress.slice(at + 1).toLowerCase();
  }

  tokenFor(ticketId: number): string {
    return `${ticketId.toString(36)}-${this.mac(ticketId)}`;
  }

  addressFor(ticketId: number): string {
    return `${this.local}+${this.tokenFor(ticketId)}@${this.domain}`;
  }

  /** What an address (To, Cc, Delivered-To, the SMTP envelope) says about the ticket it is for. */
  match(address: string): AddressMatch {
    const normalized = address.trim().toLowerCase();
    const at = normalized.lastIndexOf('@');
    if (at < 0 || normalized.slice(at + 1) !== this.domain) return { kind: 'other' };
    const localPart = normalized.slice(0, at);
    if (localPart === this.local) return { kind: 'desk' };
    if (!localPart.startsWith(`${this.local}+`)) return { kind: 'other' };
    const token = TOKEN.exec(localPart.slice(this.local.length + 1));
    if (!token) return { kind: 'forged' };
    const ticketId = parseInt(token[1], 36);
    if (!Number.isSafeInteger(ticketId) || ticketId <= 0) return { kind: 'forged' };
    const expected = Buffer.from(this.mac(ticketId));
    const given = Buffer.from(token[2]);
    return timingSafeEqual(expected, given) ? { kind: 'ticket', ticketId } : { kind: 'forged' };
  }

  private mac(ticketId: number): string {
    return createHmac('sha256', this.secret)
      .update(`reply-token:${ticketId}`)
      .digest('hex')
      .slice(0, 20);
  }
}
