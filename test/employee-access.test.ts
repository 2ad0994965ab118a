import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { Role } from '../src/modules/common/role';
import { EmployeeService } from '../src/modules/employees/employee.service';
import { ManualClock } from './support/manual-clock';
import { startTestServer, type TestServer } from './support/test-server';

/**
 * A session's roles and status are kept between requests (auth/employee-access.ts). The clock
 * here stands still, so nothing ages out: a change must drop what was kept the moment it
 * commits, on this instance and on any other.
 */
let server: TestServer;
let admin: string;
let hr: string;

beforeAll(async () => {
  server = await startTestServer({}, { clock: new ManualClock() });
  [admin, hr] = await Promise.all([
    server.login('admin@example.com'),
    server.login('hr@example.com'),
  ]);
});

afterAll(async () => {
  await server?.close();
});

function errorCode(result: { errors?: { extensions?: Record<string, unknown> }[] }): unknown {
  return result.errors?.[0]?.extensions?.code;
}

async function hire(name: string, roles: Role[]): Promise<{ id: string; token: string }> {
  const email = `${name.toLowerCase()}-${Date.now()}@example.com`;
  const hired = await server.raw(
    `mutation($input: HireEmployeeInput!) { hireEmployee(input: $input) { employee { id } userErrors { message } } }`,
    {
      input: {
        name,
        email,
        title: 'Agent',
        hireDate: '2026-01-05',
        roles,
        salary: '50000.00',
        password: 'correct-horse-battery',
      },
    },
    admin,
  );
  const id = (hired.data?.hireEmployee as { employee: { id: string } }).employee.id;
  return { id, token: await server.login(email, 'correct-horse-battery') };
}

const readSalary = (token: string, employeeId: string) =>
  server.raw(
    'query($id: ID!) { employee(id: $id) { salary { amount } } }',
    { id: employeeId },
    token,
  );

it('applies a change of roles and a termination made through the API on the very next request', async () => {
  const colleague = await hire('Colleague', [Role.SUPPORT_AGENT]);
  const agent = await hire('Switcher', [Role.SUPPORT_AGENT]);
  expect(errorCode(await readSalary(agent.token, colleague.id))).toBe('FORBIDDEN');

  const changeRoles = (roles: Role[]) =>
    server.raw(
      `mutation($input: ChangeEmployeeRolesInput!) { changeEmployeeRoles(input: $input) { userErrors { message } } }`,
      { input: { employeeId: agent.id, roles } },
      admin,
    );
  expect((await changeRoles([Role.SUPPORT_AGENT, Role.HR])).errors).toBeUndefined();
  const granted = await readSalary(agent.token, colleague.id);
  expect(granted.errors).toBeUndefined();
  expect(granted.data?.employee).toEqual({ salary: { amount: '50000.00' } });

  await changeRoles([Role.SUPPORT_AGENT]);
  expect(errorCode(await readSalary(agent.token, colleague.id))).toBe('FORBIDDEN');

  const terminated = await server.raw(
    `mutation($input: TerminateEmployeeInput!) { terminateEmployee(input: $input) { userErrors { message } } }`,
    { input: { employeeId: agent.id, date: '2026-11-30', reason: 'Moved on' } },
    hr,
  );
  expect(terminated.data?.terminateEmployee).toEqual({ userErrors: [] });
  expect(errorCode(await server.raw('{ me { id } }', {}, agent.token))).toBe('UNAUTHENTICATED');
});

it('hears of a termination committed by another instance through the event log', async () => {
  const leaver = await hire('Leaver', [Role.SUPPORT_AGENT]);
  expect((await server.raw('{ me { id } }', {}, leaver.token)).errors).toBeUndefined();

  // Another instance: its own services and connections, on the same database.
  const elsewhere: MikroORM = await openOrm({
    entities: ENTITIES,
    clientUrl: server.database.url,
    poolMax: 1,
  });
  try {
    const employeeId = Number(Buffer.from(leaver.id, 'base64url').toString().split(':')[1]);
    const hrViewer = (
      await elsewhere.em
        .fork()
        .execute<{ id: string }[]>(`SELECT id FROM employee WHERE email = 'hr@example.com'`)
    )[0];
    await new EmployeeService().terminate(
      { em: elsewhere.em.fork() },
      { employeeId: Number(hrViewer.id), roles: new Set([Role.HR]), via: 'session' },
      employeeId,
      '2026-11-30',
      'Moved on',
    );
  } finally {
    await elsewhere.close(true);
  }

  let refused = false;
  for (let waited = 0; !refused && waited < 5000; waited += 50) {
    refused = errorCode(await server.raw('{ me { id } }', {}, leaver.token)) === 'UNAUTHENTICATED';
    if (!refused) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(refused).toBe(true);
});
