import { create } from 'xmlbuilder2';
import { formatMinorUnits } from '../../common/money';

/** The ISO 20022 namespace of the customer credit transfer initiation this writes. */
export const PAIN_001_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09';

/** One credit: a payslip's net pay to its employee. */
export interface CreditTransfer {
  /** At most 35 characters, unique within the file. */
  endToEndId: string;
  /** Positive minor units (cents). */
  amountMinor: bigint;
  creditorName: string;
  creditorIban: string;
  creditorBic: string | null;
  remittance: string;
}

export interface CreditTransferFile {
  /** `GrpHdr/MsgId`: at most 35 characters, unique per file. */
  messageId: string;
  createdAt: Date;
  initiatingParty: string;
  executionDate: string;
  /** ISO 4217; EUR follows the EPC SEPA credit transfer rules. */
  currency: string;
  debtorName: string;
  debtorIban: string;
  debtorBic: string | null;
  credits: readonly CreditTransfer[];
}

/** `MsgId`, `PmtInfId` and `EndToEndId` are at most this long. */
export const MAX_ID_LENGTH = 35;

/** The EPC SEPA Latin character set: what a SEPA file may carry in names and remittance text. */
const SEPA_CHARACTER = /[A-Za-z0-9/\-?:().,'+ ]/;

const FOLDED: Record<string, string> = {
  ß: 'ss',
  Æ: 'AE',
  æ: 'ae',
  Ø: 'O',
  ø: 'o',
  Œ: 'OE',
  œ: 'oe',
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Þ: 'TH',
  þ: 'th',
  '&': '+',
};

/**
 * Text as the EPC rules allow it: accents dropped (é → e), a few letters spelled out (ß → ss),
 * anything else outside the Latin set a space; spaces collapsed, cut to `max` characters.
 */
export function sepaText(value: string, max: number): string {
  const folded = [...value.normalize('NFD')]
    .map((char) => {
      if (/\p{M}/u.test(char)) return '';
      if (FOLDED[char] !== undefined) return FOLDED[char];
      return SEPA_CHARACTER.test(char) ? char : ' ';
    })
    .join('');
  return clip(folded.replace(/\s+/g, ' ').trim(), max) || '.';
}

/** Collapses white space and cuts to `max` characters (ISO `MaxNNText`). */
function clip(value: string, max: number): string {
  return [...value.replace(/\s+/g, ' ').trim()].slice(0, max).join('');
}

/** `YYYY-MM-DDThh:mm:ss`, UTC, without fractions (ISODateTime as the EPC profile writes it). */
function isoSeconds(at: Date): string {
  return at.toISOString().slice(0, 19);
}

/**
 * Writes a pain.001.001.09 customer credit transfer initiation: one group header, one payment
 * information block (TRF, SLEV, salary category) with one `CdtTrfTxInf` per credit. In EUR it
 * follows the EPC SEPA rules (service level SEPA, Latin characters, names of 70 and remittance of
 * 140 characters, BICs optional); in another currency it is a generic pain.001.001.09, which
 * needs the debtor agent's BIC. `NbOfTxs` and `CtrlSum` are the count and sum of the credits.
 */
export function writePain001(file: CreditTransferFile): string {
  if (file.credits.length === 0) throw new Error('A credit transfer file needs a credit');
  if (file.messageId.length > MAX_ID_LENGTH) throw new Error('MsgId is at most 35 characters');
  const sepa = file.currency === 'EUR';
  if (!sepa && file.debtorBic === null)
    throw new Error('A non-SEPA credit transfer names the debtor agent by its BIC');
  const name = (value: string) => (sepa ? sepaText(value, 70) : clip(value, 140));
  const remittance = (value: string) => (sepa ? sepaText(value, 140) : clip(value, 140));
  const count = String(file.credits.length);
  const sum = formatMinorUnits(
    file.credits.reduce((total, credit) => total + credit.amountMinor, 0n),
  );

  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(PAIN_001_NAMESPACE, 'Document');
  const initiation = root.ele('CstmrCdtTrfInitn');
  const header = initiation.ele('GrpHdr');
  header.ele('MsgId').txt(file.messageId);
  header.ele('CreDtTm').txt(isoSeconds(file.createdAt));
  header.ele('NbOfTxs').txt(count);
  header.ele('CtrlSum').txt(sum);
  header.ele('InitgPty').ele('Nm').txt(name(file.initiatingParty));

  const payment = initiation.ele('PmtInf');
  payment.ele('PmtInfId').txt(file.messageId);
  payment.ele('PmtMtd').txt('TRF');
  payment.ele('NbOfTxs').txt(count);
  payment.ele('CtrlSum').txt(sum);
  const type = payment.ele('PmtTpInf');
  if (sepa) type.ele('SvcLvl').ele('Cd').txt('SEPA');
  type.ele('CtgyPurp').ele('Cd').txt('SALA');
  payment.ele('ReqdExctnDt').ele('Dt').txt(file.executionDate);
  payment.ele('Dbtr').ele('Nm').txt(name(file.debtorName));
  payment.ele('DbtrAcct').ele('Id').ele('IBAN').txt(file.debtorIban);
  const debtorAgent = payment.ele('DbtrAgt').ele('FinInstnId');
  if (file.debtorBic !== null) debtorAgent.ele('BICFI').txt(file.debtorBic);
  else debtorAgent.ele('Othr').ele('Id').txt('NOTPROVIDED');
  payment.ele('ChrgBr').txt('SLEV');

  for (const credit of file.credits) {
    if (credit.endToEndId.length > MAX_ID_LENGTH)
      throw new Error('EndToEndId is at most 35 characters');
    if (credit.amountMinor <= 0n) throw new Error('A credit is positive');
    const transfer = payment.ele('CdtTrfTxInf');
    transfer.ele('PmtId').ele('EndToEndId').txt(credit.endToEndId);
    transfer
      .ele('Amt')
      .ele('InstdAmt', { Ccy: file.currency })
      .txt(formatMinorUnits(credit.amountMinor));
    if (credit.creditorBic !== null)
      transfer.ele('CdtrAgt').ele('FinInstnId').ele('BICFI').txt(credit.creditorBic);
    transfer.ele('Cdtr').ele('Nm').txt(name(credit.creditorName));
    transfer.ele('CdtrAcct').ele('Id').ele('IBAN').txt(credit.creditorIban);
    transfer.ele('RmtInf').ele('Ustrd').txt(remittance(credit.remittance));
  }
  return root.end({ prettyPrint: true });
}
