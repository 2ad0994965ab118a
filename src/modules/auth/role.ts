import { registerEnumType } from 'type-graphql';

/** What an employee or API token may do. ADMIN may do everything. */
export enum Role {
  ADMIN = 'ADMIN',
  SUPPORT_AGENT = 'SUPPORT_AGENT',
  SUPPORT_LEAD = 'SUPPORT_LEAD',
  ACCOUNTANT = 'ACCOUNTANT',
  HR = 'HR',
  FULFILLMENT = 'FULFILLMENT',
  REPORTING = 'REPORTING',
}

registerEnumType(Role, {
  name: 'Role',
  description:
    'An access role. An employee or API token holds one or more; ADMIN may do everything.',
  valuesConfig: {
    ADMIN: { description: 'Administers Backdesk; may do everything.' },
    SUPPORT_AGENT: {
      description:
        'Works support tickets; reads customers and orders, places and cancels orders for customers.',
    },
    SUPPORT_LEAD: {
      description:
        'A support agent who also assigns work to others and edits SLA policies and automation.',
    },
    ACCOUNTANT: {
      description:
        'Keeps the ledger: posts and reverses entries, invoices, payments, bills, closes periods.',
    },
    HR: { description: 'Manages employees, departments, salaries and payroll.' },
    FULFILLMENT: { description: 'Works the warehouse: stock, picking, packing, shipping.' },
    REPORTING: { description: 'Read-only access for reporting tools.' },
  },
});

export const ALL_ROLES: readonly Role[] = Object.values(Role);
