import type { EntityManager } from '@mikro-orm/postgresql';
import { OutboundEmailKind } from '../../mail/mail.entity';
import type { Outbox } from '../../mail/outbox';
import { Role } from '../common/role';
import type { EmployeeService } from '../employees/employee.service';
import type { Asset } from './asset.entity';
import type { WorkOrder } from './maintenance.entity';

/** A display name and address, as a To header. */
const mailbox = (name: string, address: string) => `"${name.replace(/["\\]/g, '')}" <${address}>`;

/**
 * Tells IT support that a plan opened a work order: one email to each active IT_SUPPORT
 * employee, queued in the transaction that opened it (so a retry that opens nothing sends
 * nothing, and a rolled-back opening sends nothing), marked auto-submitted.
 */
export class MaintenanceMail {
  constructor(
    private readonly outbox: Outbox,
    private readonly employees: EmployeeService,
  ) {}

  async workOrderOpened(tx: EntityManager, workOrder: WorkOrder, asset: Asset): Promise<void> {
    const staff = await this.employees.activeInRole(tx, [Role.IT_SUPPORT]);
    if (staff.length === 0) return;
    const skipped = workOrder.skippedOccurrences;
    const text = [
      `${workOrder.number}: ${workOrder.title}`,
      '',
      `Asset: ${asset.tag} (${asset.model})`,
      `Due: ${workOrder.dueOn}`,
      ...(asset.location ? [`Location: ${asset.location}`] : []),
      ...(skipped.length > 0
        ? [`Missed and skipped: ${skipped.join(', ')} (only the latest is to be done)`]
        : []),
      '',
      workOrder.instructions ?? '',
    ].join('\n');
    for (const employee of staff) {
      await this.outbox.queue(tx, {
        kind: OutboundEmailKind.WORK_ORDER_OPENED,
        to: mailbox(employee.name, employee.email),
        subject: `Maintenance due: ${workOrder.number} ${asset.tag}, ${workOrder.title}`,
        text,
        autoSubmitted: true,
      });
    }
  }
}
