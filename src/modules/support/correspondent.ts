import type { EntityManager } from '@mikro-orm/postgresql';
import type { CustomerService } from '../customers/customer.service';
import type { EmployeeService } from '../employees/employee.service';
import type { Ticket } from './ticket.entity';

/**
 * The person on the other side of a ticket's conversation: its customer, or the employee who
 * reported an IT ticket (its requester). Public replies are mailed to them, their emailed answers
 * are accepted only from their address, surveys go to them, and macros greet them.
 */
export interface Correspondent {
  kind: 'CUSTOMER' | 'REQUESTER';
  /** The customer's or the employee's id. */
  id: number;
  name: string;
  /** Where mail to them goes; null when there is none (a customer without an address). */
  email: string | null;
}

/**
 * Finds a ticket's correspondent: the one place that chooses between the customer and the
 * requester, so that mail, inbound matching, surveys and macros all mean the same person.
 */
export class TicketCorrespondents {
  constructor(
    private readonly customers: CustomerService,
    private readonly employees: EmployeeService,
  ) {}

  async of(
    tx: EntityManager,
    ticket: Pick<Ticket, 'id' | 'customer' | 'requester'>,
    field: string[] | null = ['input', 'ticketId'],
  ): Promise<Correspondent> {
    if (ticket.customer) {
      const customer = await this.customers.requireExisting(tx, ticket.customer.id, field ?? []);
      return {
        kind: 'CUSTOMER',
        id: customer.id,
        name: customer.name,
        email: customer.email || null,
      };
    }
    if (ticket.requester) {
      const employee = await this.employees.requireExisting(tx, ticket.requester.id, field);
      return { kind: 'REQUESTER', id: employee.id, name: employee.name, email: employee.email };
    }
    throw new Error(`Ticket ${ticket.id} has neither a customer nor a requester`);
  }
}
