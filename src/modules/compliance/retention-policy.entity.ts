import {
  BigIntType,
  Entity,
  Enum,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';

/** The kinds of record a retention policy applies to. */
export enum RetentionRecordClass {
  CLOSED_TICKETS = 'CLOSED_TICKETS',
  INACTIVE_CUSTOMERS = 'INACTIVE_CUSTOMERS',
  REJECTED_APPLICANTS = 'REJECTED_APPLICANTS',
  EVENT_LOG = 'EVENT_LOG',
  AUDIT_TRAIL = 'AUDIT_TRAIL',
  ATTACHMENTS = 'ATTACHMENTS',
}

/** What happens to a record past its period. */
export enum RetentionAction {
  DELETE = 'DELETE',
  ANONYMIZE = 'ANONYMIZE',
}

/**
 * How long one class of records is kept, and what then happens to it: one row per class (the
 * migration makes all six, disabled). A policy is enabled only after a dry run of exactly its
 * current settings: `previewedFingerprint` is what was previewed (`<keepDays>:<action>`).
 */
@Entity({ tableName: 'retention_policy' })
export class RetentionPolicy {
  [OptionalProps]?: 'enabled' | 'previewedAt' | 'previewedFingerprint' | 'updatedAt';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Enum({ items: () => RetentionRecordClass, type: 'text' })
  @Unique({ name: 'retention_policy_record_class_unique' })
  recordClass!: RetentionRecordClass;

  @Property({ type: 'integer' })
  keepDays!: number;

  @Enum({ items: () => RetentionAction, type: 'text' })
  action!: RetentionAction;

  @Property({ type: 'boolean' })
  enabled: boolean = false;

  @Property({ type: 'timestamptz', nullable: true })
  previewedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  previewedFingerprint: string | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}
