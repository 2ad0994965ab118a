/**
 * Our own payment references: the ISO 11649 creditor reference ("RF" + two check digits + the
 * document number without separators), printed on each invoice. A bank line that carries it is
 * matched to the invoice before anything else, and a typo in it fails the check digits.
 */

/** The digits of ISO 7064 MOD 97-10: letters become 10..35. */
function mod97(text: string): number {
  let remainder = 0;
  for (const char of text) {
    const value = /[0-9]/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

/** A document number as the reference carries it: upper-case letters and digits only. */
export function referenceBody(documentNumber: string): string {
  return documentNumber.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** "INV-000042" → "RF44INV000042". */
export function creditorReference(documentNumber: string): string {
  const body = referenceBody(documentNumber);
  const check = 98 - mod97(`${body}RF00`);
  return `RF${String(check).padStart(2, '0')}${body}`;
}

/** The document number body of a valid creditor reference (spaces allowed); null otherwise. */
export function creditorReferenceBody(reference: string): string | null {
  const compact = reference.toUpperCase().replace(/\s+/g, '');
  const match = /^RF(\d{2})([A-Z0-9]{1,21})$/.exec(compact);
  if (!match) return null;
  return mod97(`${match[2]}RF${match[1]}`) === 1 ? match[2] : null;
}
