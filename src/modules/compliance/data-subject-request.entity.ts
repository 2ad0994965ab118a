import {
  BigIntType,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
} from '@mikro-orm/core';
import { StoredDocument } from '../../documents/document.entity';
import { Employee } from '../employees/employee.entity';
import type { KeptRecord } from './data-subject';

/** What a person asks for (GDPR art. 15 and 17). */
export enum DataSubjectRequestKind {
  /** A copy of everything held about them. */
  ACCESS = 'ACCESS',
  /** Everything held about them erased, save what must be kept. */
  ERASURE = 'ERASURE',
}

/** Where a request stands. */
export enum DataSubjectRequestStatus {
  OPEN = 'OPEN',
  IN_PROGRESS = 'IN_PROGRESS',
  DONE = 'DONE',
  REFUSED = 'REFUSED',
}

/** What an erasure deleted or anonymised, by kind of record. */
export interface ErasedCount {
  what: string;
  count: number;
}

/**
 * A data subject request. The person's address is kept only while it is needed to fulfil the
 * request: `email` is cleared when an erasure is done, and everything that is logged about the
 * request (events, the audit trail) holds only `emailMasked`. `emailHash` (sha256 of the
 * normalised address) recognises a repeat request without keeping the address.
 */
@Entity({ tableName: 'data_subject_request' })
@Index({ name: 'data_subject_request_email_hash_idx', properties: ['emailHash', 'id'] })
@Index({ name: 'data_subject_request_due_idx', properties: ['dueAt', 'id'] })
export class DataSubjectRequest {
  [OptionalProps]?:
    | 'status'
    | 'fulfilledAt'
    | 'fulfilledById'
    | 'kept'
    | 'erased'
    | 'refusedAt'
    | 'refusedById'
    | 'refusalReason'
    | 'bundle';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Enum({ items: () => DataSubjectRequestKind, type: 'text' })
  kind!: DataSubjectRequestKind;

  @Enum({ items: () => DataSubjectRequestStatus, type: 'text' })
  status: DataSubjectRequestStatus = DataSubjectRequestStatus.OPEN;

  /** The normalised address, until an erasure is done (then null: no copy of it remains). */
  @Property({ type: 'text', nullable: true })
  email!: string | null;

  /** The address masked (`j***@e***.com`): what lists and logs show. */
  @Property({ type: 'text' })
  emailMasked!: string;

  /** Lowercase hex sha256 of the normalised address. */
  @Property({ type: 'text' })
  emailHash!: string;

  @ManyToOne(() => Employee, { fieldName: 'opened_by_id', deleteRule: 'restrict' })
  openedBy!: Employee;

  @Property({ type: 'timestamptz' })
  openedAt!: Date;

  /** When the answer is due: `openedAt` + DSR_DUE_DAYS (30 by default). */
  @Property({ type: 'timestamptz' })
  dueAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  fulfilledAt: Date | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  fulfilledById: number | null = null;

  /** What an erasure kept, and why. */
  @Property({ type: 'jsonb', defaultRaw: `'[]'` })
  kept: KeptRecord[] = [];

  /** What an erasure deleted or anonymised (counts per kind of record). */
  @Property({ type: 'jsonb', nullable: true })
  erased: ErasedCount[] | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  refusedAt: Date | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  refusedById: number | null = null;

  /** Why it was refused (manifestly unfounded or excessive: GDPR art. 12(5)). */
  @Property({ type: 'text', nullable: true })
  refusalReason: string | null = null;

  /** An ACCESS request's bundle (a ZIP of data.json and summary.pdf), once fulfilled. */
  @ManyToOne(() => StoredDocument, {
    fieldName: 'bundle_id',
    nullable: true,
    deleteRule: 'set null',
  })
  bundle: StoredDocument | null = null;
}
