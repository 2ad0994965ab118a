import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../server/logger';
import { Role } from '../modules/auth/role';
import { hashPassword } from '../modules/auth/password';
import { Employee } from '../modules/employees/employee.entity';

export const DEMO_PASSWORD = 'demo-password';

/** The demo employees from the API contract: one per role. */
export const DEMO_EMPLOYEES: readonly {
  email: string;
  name: string;
  title: string;
  roles: Role[];
}[] = [
  {
    email: 'admin@example.com',
    name: 'Ada Admin',
    title: 'Operations Director',
    roles: [Role.ADMIN],
  },
  {
    email: 'agent@example.com',
    name: 'Sam Agent',
    title: 'Support Agent',
    roles: [Role.SUPPORT_AGENT],
  },
  {
    email: 'lead@example.com',
    name: 'Lee Lead',
    title: 'Support Team Lead',
    roles: [Role.SUPPORT_LEAD],
  },
  {
    email: 'accountant@example.com',
    name: 'Cora Accountant',
    title: 'Accountant',
    roles: [Role.ACCOUNTANT],
  },
  { email: 'hr@example.com', name: 'Hana HR', title: 'HR Manager', roles: [Role.HR] },
  {
    email: 'warehouse@example.com',
    name: 'Wes Warehouse',
    title: 'Warehouse Lead',
    roles: [Role.FULFILLMENT],
  },
  {
    email: 'reports@example.com',
    name: 'Rae Reports',
    title: 'Business Analyst',
    roles: [Role.REPORTING],
  },
];

async function seedEmployees(em: EntityManager): Promise<number> {
  const existing = new Set(
    (
      await em.find(
        Employee,
        { email: { $in: DEMO_EMPLOYEES.map((e) => e.email) } },
        { fields: ['email'] },
      )
    ).map((e) => e.email),
  );
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  let created = 0;
  for (const demo of DEMO_EMPLOYEES) {
    if (existing.has(demo.email)) continue;
    em.create(Employee, { ...demo, passwordHash });
    created += 1;
  }
  await em.flush();
  return created;
}

/** Whether the database holds no data yet (a fresh install). */
export async function isEmptyDatabase(orm: MikroORM): Promise<boolean> {
  return (await orm.em.fork().count(Employee, {})) === 0;
}

/**
 * Fills the database with demo data. Idempotent: running it again adds only what is missing.
 */
export async function seedDemoData(orm: MikroORM, logger: Logger): Promise<void> {
  await orm.em.fork().transactional(async (em) => {
    const employees = await seedEmployees(em);
    logger.info({ employees }, 'demo data seeded');
  });
}
