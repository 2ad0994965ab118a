import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, isUniqueViolation } from '../../db/transaction';
import { recordEvent } from '../../events/event-log';
import type { Viewer } from '../common/viewer';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import {
  emailAddress,
  integerInRange,
  likePattern,
  optionalText,
  requiredText,
} from '../common/input-rules';
import { Customer, CustomerStatus } from './customer.entity';
import { type Row, findRowsById } from '../../read';
import { runSql } from '../../db/sql';
import type { RequestScope } from '../common/scope';

export interface CustomerDraft {
  name: string;
  email: string;
  phone?: string | null;
  company?: string | null;
  paymentTermsDays?: number | null;
}

export interface CustomerChanges {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
  status?: CustomerStatus | null;
  paymentTermsDays?: number | null;
}

export interface CustomerListFilter {
  search?: string | null;
  status?: CustomerStatus | null;
}

const field = (name: string) => ['input', name];

function emailTaken(): BusinessRuleError {
  return new BusinessRuleError(
    UserErrorCode.EMAIL_TAKEN,
    'Another customer already uses this email address',
    field('email'),
  );
}

export class CustomerService {
  async create(
    { em }: RequestScope,
    viewer: Viewer,
    draft: CustomerDraft,
  ): Promise<{ customer: Customer }> {
    try {
      return await inTransaction(em, async (tx) => ({
        customer: await this.createIn(tx, draft, viewer.employeeId),
      }));
    } catch (error) {
      // Two creations with one email raced past the check: the unique index decides.
      if (isUniqueViolation(error, 'customer_email_unique')) throw emailTaken();
      throw error;
    }
  }

  /**
   * Creates a customer in the caller's transaction, recorded as `actorId`'s doing (null: the
   * system, such as mail from an unknown address).
   */
  async createIn(
    tx: EntityManager,
    draft: CustomerDraft,
    actorId: number | null,
  ): Promise<Customer> {
    const values = {
      name: requiredText(draft.name, field('name'), 200),
      email: emailAddress(draft.email, field('email')),
      phone: optionalText(draft.phone, field('phone'), 50),
      company: optionalText(draft.company, field('company'), 200),
      paymentTermsDays: integerInRange(
        draft.paymentTermsDays ?? 30,
        field('paymentTermsDays'),
        0,
        365,
      ),
    };
    if (await tx.count(Customer, { email: values.email })) throw emailTaken();
    const customer = tx.create(Customer, values);
    await tx.flush();
    await recordEvent(tx, {
      streamType: 'Customer',
      streamId: customer.id,
      type: 'CREATED',
      payload: values,
      actorId,
    });
    return customer;
  }

  /**
   * The customer who has this email address (compared case-insensitively), or a new one the
   * system creates with `name`: how mail from an unknown sender finds its customer. In the
   * caller's transaction; an invalid address is refused like any other input.
   */
  async findOrCreateByEmail(
    tx: EntityManager,
    address: string,
    name: string,
  ): Promise<{ customer: Customer; created: boolean }> {
    const email = emailAddress(address, field('email'));
    const existing = await tx.findOne(Customer, { email });
    if (existing) return { customer: existing, created: false };
    return { customer: await this.createIn(tx, { name, email }, null), created: true };
  }

  async update(
    { em }: RequestScope,
    viewer: Viewer,
    id: number,
    changes: CustomerChanges,
  ): Promise<{ customer: Customer }> {
    try {
      return await inTransaction(em, async (tx) => {
        const customer = await tx.findOne(
          Customer,
          { id },
          { lockMode: LockMode.PESSIMISTIC_WRITE },
        );
        if (!customer)
          throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such customer', field('id'));
        const changed: Record<string, unknown> = {};
        const apply = <K extends keyof Customer>(key: K, value: Customer[K]) => {
          if (customer[key] !== value) {
            changed[key as string] = value;
            customer[key] = value;
          }
        };
        if (changes.name != null) apply('name', requiredText(changes.name, field('name'), 200));
        if (changes.email != null) {
          const email = emailAddress(changes.email, field('email'));
          if (email !== customer.email && (await tx.count(Customer, { email }))) throw emailTaken();
          apply('email', email);
        }
        if (changes.phone !== undefined && changes.phone !== null)
          apply('phone', optionalText(changes.phone, field('phone'), 50));
        if (changes.company !== undefined && changes.company !== null)
          apply('company', optionalText(changes.company, field('company'), 200));
        if (changes.status != null) apply('status', changes.status);
        if (changes.paymentTermsDays != null) {
          apply(
            'paymentTermsDays',
            integerInRange(changes.paymentTermsDays, field('paymentTermsDays'), 0, 365),
          );
        }
        if (Object.keys(changed).length > 0) {
          await recordEvent(tx, {
            streamType: 'Customer',
            streamId: customer.id,
            type: 'UPDATED',
            payload: changed,
            actorId: viewer.employeeId,
          });
        }
        return { customer };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'customer_email_unique')) throw emailTaken();
      throw error;
    }
  }

  /** The filter for `customers`: search over name, email and company, case-insensitively. */
  listWhere(filter: CustomerListFilter | null | undefined): Record<string, unknown> {
    const where: Record<string, unknown> = {};
    if (filter?.status) where.status = filter.status;
    if (filter?.search?.trim()) {
      const pattern = likePattern(filter.search);
      where.$or = [
        { name: { $ilike: pattern } },
        { email: { $ilike: pattern } },
        { company: { $ilike: pattern } },
      ];
    }
    return where;
  }

  /**
   * A customer who exists, read as a plain row (checked, not changed): how other modules (the
   * support desk, the ledger) reach a customer.
   */
  async requireExisting(
    tx: EntityManager,
    id: number,
    fieldPath: string[],
  ): Promise<Row<Customer>> {
    const [customer] = await findRowsById(tx, Customer, [id]);
    if (!customer)
      throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such customer', fieldPath);
    return customer;
  }

  /** A customer who exists and may place orders, read as a plain row (checked, not changed). */
  async requireActive(tx: EntityManager, id: number, fieldPath: string[]): Promise<Row<Customer>> {
    const customer = await this.requireExisting(tx, id, fieldPath);
    if (customer.status !== CustomerStatus.ACTIVE) {
      throw new BusinessRuleError(
        UserErrorCode.CUSTOMER_INACTIVE,
        'The customer is inactive',
        fieldPath,
      );
    }
    return customer;
  }

  /** The customer with this email (compared lower-cased), as id and name, or null. */
  async findByEmail(
    tx: EntityManager,
    email: string,
  ): Promise<{ id: number; name: string } | null> {
    const [row] = await runSql<{ id: string; name: string }>(
      tx,
      'SELECT id, name FROM customer WHERE email = lower(?) FOR UPDATE',
      [email.trim()],
    );
    return row ? { id: Number(row.id), name: row.name } : null;
  }

  /**
   * Erasure and retention (in the caller's transaction): the customer keeps their row, so the
   * orders, invoices and entries that refer to them stay whole, but nothing personal is left: the
   * name becomes `Erased customer <id>`, the email a placeholder that keeps the unique constraint,
   * phone and company none, and the status INACTIVE (no new orders). The ticket search rows follow
   * the name (the customer_renamed trigger).
   */
  async anonymise(tx: EntityManager, id: number, at: Date): Promise<void> {
    await runSql(
      tx,
      `UPDATE customer SET name = ?, email = ?, phone = NULL, company = NULL, status = 'INACTIVE',
              anonymized_at = ?, updated_at = ?
        WHERE id = ?`,
      [erasedCustomerName(id), `erased-${id}@erased.invalid`, at, at, id],
    );
    await recordEvent(tx, {
      streamType: 'Customer',
      streamId: id,
      type: 'ANONYMISED',
      payload: {},
      actorId: null,
    });
  }

  /**
   * Deletes a customer nothing refers to (no order, invoice, payment, ticket, dunning notice,
   * dunning policy or journal line), in the caller's transaction; answers false, deleting
   * nothing, when something does.
   */
  async deleteIfUnreferenced(tx: EntityManager, id: number): Promise<boolean> {
    const deleted = await runSql<{ id: string }>(
      tx,
      `DELETE FROM customer c WHERE c.id = ?
          AND NOT EXISTS (SELECT 1 FROM "order" o WHERE o.customer_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM invoice i WHERE i.customer_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.customer_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM ticket t WHERE t.customer_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM dunning_notice n WHERE n.customer_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM customer_dunning_policy d WHERE d.customer_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM journal_line l WHERE l.customer_id = c.id)
        RETURNING c.id`,
      [id],
    );
    if (deleted.length === 0) return false;
    await recordEvent(tx, {
      streamType: 'Customer',
      streamId: id,
      type: 'DELETED',
      payload: {},
      actorId: null,
    });
    return true;
  }
}

/** The name an anonymised customer goes by. */
export function erasedCustomerName(id: number): string {
  return `Erased customer ${id}`;
}
