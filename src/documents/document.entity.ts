import { BigIntType, BlobType, Entity, Enum, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** What a stored document is. Later kinds (dunning notices, statements, payment files) add here. */
export enum DocumentKind {
  INVOICE = 'INVOICE',
  PAYSLIP = 'PAYSLIP',
  DUNNING_NOTICE = 'DUNNING_NOTICE',
  YEAR_END_STATEMENT = 'YEAR_END_STATEMENT',
  /** A bank payment file (pain.001 XML or NACHA), written once when the file is created. */
  PAYMENT_FILE = 'PAYMENT_FILE',
  /** A purchase order as mailed to its vendor, rendered once when it is first sent or asked for. */
  PURCHASE_ORDER = 'PURCHASE_ORDER',
  /** A data subject's ACCESS bundle (a ZIP of data.json and summary.pdf), made once per request. */
  DATA_SUBJECT_BUNDLE = 'DATA_SUBJECT_BUNDLE',
}

/**
 * A rendered document, kept once: `key` names what it renders (`invoice:<id>`), and the unique
 * constraint on it means two first requests at once store one row. Its bytes never change
 * afterwards, so `sha256` is what every download and every email attaches.
 */
@Entity({ tableName: 'document' })
export class StoredDocument {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Enum({ items: () => DocumentKind, type: 'text' })
  kind!: DocumentKind;

  /** What it renders, such as `invoice:42` or `payslip:7`: one document per key. */
  @Property({ type: 'text' })
  @Unique({ name: 'document_key_unique' })
  key!: string;

  @Property({ type: 'text' })
  filename!: string;

  @Property({ type: 'text' })
  contentType!: string;

  /** Lowercase hex SHA-256 of the bytes. */
  @Property({ type: 'text' })
  sha256!: string;

  @Property({ type: 'integer' })
  size!: number;

  @Property({ type: BlobType, lazy: true })
  content!: Buffer;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}
