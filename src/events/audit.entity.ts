import { BigIntType, Check, Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** What kind of act an audit record records. */
export enum AuditKind {
  /** A GraphQL mutation, whatever its outcome. */
  MUTATION = 'MUTATION',
  /** A read of protected data: pay, bank details, payment files, exports, bundles. */
  READ = 'READ',
  /** Something the system did on its own: a retention run, an erasure job. */
  SYSTEM = 'SYSTEM',
}

/** How the act ended. */
export enum AuditResult {
  OK = 'OK',
  /** Refused on a business rule (a user error): nothing was written. */
  REFUSED = 'REFUSED',
  /** The viewer's roles do not allow it. */
  FORBIDDEN = 'FORBIDDEN',
  /** No valid token. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** Malformed input or an unexpected failure: nothing was written. */
  ERROR = 'ERROR',
}

/**
 * One record of the audit trail. The rules the database keeps (sql/audit_record_seal.sql,
 * sql/audit_record_append_only.sql):
 * - a record takes its `seq`, `at`, `prev_hash` (the hash of the record before it in seq order)
 *   and `hash` (`audit_record_digest`) as it is written, under the event log's commit lock, which
 *   it holds until its transaction ends: seq order is commit order, and removing or editing a
 *   record breaks the chain after it;
 * - a record never changes, and none is deleted except by the retention run of the audit trail,
 *   which moves the chain's anchor (`audit_chain_head`) past what it deletes.
 * `detail` never holds personal data: inputs are redacted before they are recorded
 * (server/audit-mutations.ts).
 */
@Entity({ tableName: 'audit_record' })
@Unique({ name: 'audit_record_seq_unique', properties: ['seq'] })
@Index({ name: 'audit_record_actor_idx', properties: ['actorId', 'seq'] })
@Index({ name: 'audit_record_action_idx', properties: ['action', 'seq'] })
@Index({ name: 'audit_record_at_idx', properties: ['at'] })
export class AuditRecord {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  /** Commit order: set as the record is written (null only in one written by hand). */
  @Property({ type: new BigIntType('number'), nullable: true })
  seq: number | null = null;

  /** When the act was recorded: just before its transaction committed. */
  @Property({ type: 'timestamptz', nullable: true })
  at: Date | null = null;

  /** The employee who acted (null: the system, or no valid token). */
  @Property({ type: new BigIntType('number'), nullable: true })
  actorId: number | null = null;

  /** The API token used, when it was one. */
  @Property({ type: new BigIntType('number'), nullable: true })
  apiTokenId: number | null = null;

  /** The mutation's name, or what was read (`Employee.salary`), or the system job. */
  @Property({ type: 'text' })
  action!: string;

  @Property({ type: 'text' })
  kind!: AuditKind;

  /** What it acted on: a global ID, when there is one. */
  @Property({ type: 'text', nullable: true })
  target: string | null = null;

  @Property({ type: 'text' })
  result!: AuditResult;

  /** The input (redacted), the error codes, counts: never personal data. */
  @Property({ type: 'jsonb' })
  detail: Record<string, unknown> = {};

  /** The client's address. */
  @Property({ type: 'text', nullable: true })
  ip: string | null = null;

  /** The request's id (the `x-request-id` of its answer and its log lines). */
  @Property({ type: 'text', nullable: true })
  requestId: string | null = null;

  @Property({ type: 'text', nullable: true })
  prevHash: string | null = null;

  @Property({ type: 'text', nullable: true })
  hash: string | null = null;
}

/**
 * The head of the audit chain (one row, id 1): the newest record's seq and hash, so removing the
 * newest records is noticed too; and the anchor the chain starts from after a retention run
 * deleted its oldest records (`pruned_through`, `pruned_hash`).
 */
@Entity({ tableName: 'audit_chain_head' })
@Check({ name: 'audit_chain_head_one_row', expression: 'id = 1' })
export class AuditChainHead {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  id!: number;

  @Property({ type: new BigIntType('number') })
  seq: number = 0;

  @Property({ type: 'text', nullable: true })
  hash: string | null = null;

  @Property({ type: new BigIntType('number') })
  prunedThrough: number = 0;

  @Property({ type: 'text', nullable: true })
  prunedHash: string | null = null;
}
