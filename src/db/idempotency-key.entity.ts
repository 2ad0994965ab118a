import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A client-supplied idempotency key, claimed inside the transaction that does the work. The row
 * lock makes a concurrent repeat wait for the first to commit, then return its result.
 */
@Entity({ tableName: 'idempotency_key' })
export class IdempotencyKey {
  /** The operation the key belongs to, such as 'placeOrder'. */
  @PrimaryKey({ type: 'text' })
  scope!: string;

  @PrimaryKey({ type: 'text' })
  key!: string;

  /** SHA-256 of the normalised input: the same key with other input is refused. */
  @Property({ type: 'text' })
  requestHash!: string;

  /** The primary key of what the first request produced. */
  @Property({ type: 'text', nullable: true })
  resultId: string | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
