import { raw, type FilterQuery } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { shapedStatement, standInsFit, type Statement } from '../src/read/statement-shapes';
import { DomainEvent } from '../src/events/event.entity';
import { Role } from '../src/modules/common/role';
import { Employee } from '../src/modules/employees/employee.entity';
import { Order } from '../src/modules/orders/order.entity';
import { Ticket } from '../src/modules/support/ticket.entity';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Page statements are rendered by the query builder once per shape (src/read/statement-shapes.ts):
 * what comes out for new values must be exactly what the builder would render for them.
 */
let database: TestDatabase;
let orm: MikroORM;
let shapeCounter = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  orm = await openOrm({ entities: ENTITIES, clientUrl: database.url, poolMax: 1 });
});

afterAll(async () => {
  await orm?.close();
  await database?.drop();
});

/** A page-like statement for `entity`, as the builder renders it, counting the renders. */
function builder<T extends object>(entity: new () => T, renders: { count: number }) {
  return (filter: FilterQuery<T>, cursor: readonly unknown[]): Statement => {
    renders.count += 1;
    const query = orm.em
      .fork()
      .createQueryBuilder(entity, 'e0')
      .select('e0.id')
      .where(filter)
      .orderBy({ id: 'asc' } as never)
      .limit(21);
    if (cursor.length > 0) query.andWhere('e0.id > ?', [...cursor]);
    return query.getKnexQuery().toSQL();
  };
}

function direct<T extends object>(
  entity: new () => T,
  filter: FilterQuery<T>,
  cursor: unknown[],
): Statement {
  return builder(entity, { count: 0 })(filter, cursor);
}

it('renders a shape once and gives later values exactly the bindings the builder would', () => {
  const key = `tickets-${shapeCounter++}`;
  const renders = { count: 0 };
  const build = builder(Ticket, renders);
  const filters: [FilterQuery<Ticket>, unknown[]][] = [
    [{ status: { $in: ['NEW', 'OPEN'] }, customer: 7, assignee: null } as never, [100]],
    [{ status: { $in: ['PENDING', 'SOLVED'] }, customer: 12, assignee: null } as never, [250]],
    [{ status: { $in: ['OPEN', 'NEW'] }, customer: 3, assignee: null } as never, [1]],
  ];
  for (const [filter, cursor] of filters) {
    const shaped = shapedStatement(key, filter, cursor, build);
    const expected = direct(Ticket, filter, cursor);
    expect(shaped.sql).toBe(expected.sql);
    expect(shaped.bindings).toEqual(expected.bindings);
  }
  expect(renders.count).toBe(1);
});

it('tells apart shapes: other keys, operators, list lengths, nulls and booleans render anew', () => {
  const key = `orders-${shapeCounter++}`;
  const renders = { count: 0 };
  const build = builder(Order, renders);
  const filters = [
    { customer: 5 },
    { customer: { $ne: 5 } },
    { status: { $in: ['PLACED'] } },
    { status: { $in: ['PLACED', 'PICKING'] } },
    { customer: null },
    { customer: 5, status: { $in: ['PLACED'] } },
  ] as FilterQuery<Order>[];
  for (const filter of filters) {
    const shaped = shapedStatement(key, filter, [], build);
    const expected = direct(Order, filter, []);
    expect([shaped.sql, shaped.bindings]).toEqual([expected.sql, expected.bindings]);
  }
  expect(renders.count).toBe(filters.length);
  // The same shapes again: nothing is rendered.
  for (const filter of filters) shapedStatement(key, filter, [], build);
  expect(renders.count).toBe(filters.length);
});

it('renders every time what it cannot vouch for: raw SQL, dates, values the builder changes or writes into the text', () => {
  const renders = { count: 0 };
  const build = builder(Ticket, renders);
  const rawFilter = () =>
    ({ [raw((alias) => `${alias}.subject ILIKE ?`, ['%late%'])]: true }) as FilterQuery<Ticket>;
  const dated = { createdAt: { $gte: new Date('2026-01-01T00:00:00Z') } } as FilterQuery<Ticket>;
  const key = `unsafe-${shapeCounter++}`;
  for (let round = 0; round < 2; round += 1) {
    const filter = rawFilter();
    expect(shapedStatement(key, filter, [], build).sql).toMatch(/ILIKE/);
    shapedStatement(key, dated, [], build);
  }
  expect(renders.count).toBe(4);

  const converting = { count: 0 };
  const upperCased = (filter: { name: string }): Statement => {
    converting.count += 1;
    return { sql: 'SELECT ? AS name', bindings: [filter.name.toUpperCase()] };
  };
  const inlined = (filter: { name: string }): Statement => {
    converting.count += 1;
    return { sql: `SELECT '${filter.name}' AS name`, bindings: [] };
  };
  for (const name of ['ada', 'grace']) {
    expect(shapedStatement(`upper-${shapeCounter}`, { name }, [], upperCased).bindings).toEqual([
      name.toUpperCase(),
    ]);
    expect(shapedStatement(`inline-${shapeCounter}`, { name }, [], inlined).sql).toBe(
      `SELECT '${name}' AS name`,
    );
  }
  // Each of those shapes once more for the stand-ins, then once per statement.
  expect(converting.count).toBe(6);
});

/** The metadata of an entity, as the page statements pass it. */
const metaOf = (entity: { name: string }) => () => orm.getMetadata().get(entity.name);

it('builds an enum-array filter with its real values every time, from the metadata, without trying stand-ins', () => {
  const key = `roles-${shapeCounter++}`;
  const renders = { count: 0 };
  const seen: unknown[] = [];
  const build = builder(Employee, renders);
  const recording = (filter: FilterQuery<Employee>, cursor: readonly unknown[]) => {
    seen.push(filter);
    return build(filter, cursor);
  };
  for (const role of [Role.SUPPORT_AGENT, Role.ADMIN, Role.SUPPORT_AGENT]) {
    const filter = { roles: { $contains: [role] }, status: 'ACTIVE' } as FilterQuery<Employee>;
    const shaped = shapedStatement(key, filter, [], recording, metaOf(Employee));
    const expected = direct(Employee, filter, []);
    expect([shaped.sql, shaped.bindings]).toEqual([expected.sql, expected.bindings]);
    expect(shaped.bindings).toContain(`{${role}}`);
  }
  // Once per request, each with the real values: no stand-in ever reached the builder.
  expect(renders.count).toBe(3);
  expect(JSON.stringify(seen)).not.toContain('stand-in');
});

it('falls back to the real values when a build throws on the stand-ins', () => {
  const key = `throws-${shapeCounter++}`;
  const renders = { count: 0 };
  const build = builder(Employee, renders);
  // No metadata: the enum-array type refuses the stand-in, which must not surface as an error.
  for (const role of [Role.HR, Role.REPORTING]) {
    const filter = { roles: { $contains: [role] } } as FilterQuery<Employee>;
    const shaped = shapedStatement(key, filter, [], build);
    const expected = direct(Employee, filter, []);
    expect([shaped.sql, shaped.bindings]).toEqual([expected.sql, expected.bindings]);
  }
  // The failed stand-in build, then one build per request: the shape is not tried again.
  expect(renders.count).toBe(3);

  const refusing = (filter: { name: string }): Statement => {
    if (filter.name.includes('stand-in')) throw new Error('not a name');
    return { sql: 'SELECT ? AS name', bindings: [filter.name] };
  };
  expect(shapedStatement(`refusing-${shapeCounter++}`, { name: 'ada' }, [], refusing)).toEqual({
    sql: 'SELECT ? AS name',
    bindings: ['ada'],
  });
  // A build that throws for the real values too is an error, as it would be without shapes.
  const broken = (): Statement => {
    throw new Error('broken');
  };
  expect(() => shapedStatement(`broken-${shapeCounter++}`, { name: 'ada' }, [], broken)).toThrow(
    'broken',
  );
});

it('builds arrays and JSON every time, and keeps strings, numbers, plain enums, keys and nested relations to one build', () => {
  const ticketMeta = metaOf(Ticket);
  const cases: [FilterQuery<Ticket>[], boolean][] = [
    // Arrays: the builder writes the array literal, so their shapes are built every time.
    [[{ tags: { $contains: ['vip'] } }, { tags: { $contains: ['late'] } }] as never, false],
    // Plain enums, text, bigint keys and a relation's own columns: built once.
    [
      [
        { status: { $in: ['NEW', 'OPEN'] }, priority: 'HIGH', customer: 4 },
        { status: { $in: ['SOLVED', 'CLOSED'] }, priority: 'LOW', customer: 9 },
      ] as never,
      true,
    ],
    [
      [
        { $or: [{ subject: { $ilike: '%late%' } }, { customer: { name: { $ilike: '%ac%' } } }] },
        { $or: [{ subject: { $ilike: '%lost%' } }, { customer: { name: { $ilike: '%gl%' } } }] },
      ] as never,
      true,
    ],
  ];
  for (const [filters, once] of cases) {
    const key = `mixed-${shapeCounter++}`;
    const renders = { count: 0 };
    const build = builder(Ticket, renders);
    for (const filter of filters) {
      const shaped = shapedStatement(key, filter, [], build, ticketMeta);
      const expected = direct(Ticket, filter, []);
      expect([shaped.sql, shaped.bindings]).toEqual([expected.sql, expected.bindings]);
    }
    expect(renders.count).toBe(once ? 1 : filters.length);
  }
});

it('decides from the metadata which filters take stand-ins', () => {
  const employee = orm.getMetadata().get(Employee.name);
  const ticket = orm.getMetadata().get(Ticket.name);
  const event = orm.getMetadata().get(DomainEvent.name);
  expect(standInsFit(employee, { status: 'ACTIVE', department: 3, name: { $ilike: '%a%' } })).toBe(
    true,
  );
  expect(standInsFit(employee, { hireDate: { $gte: '2026-01-01' } })).toBe(true);
  expect(standInsFit(employee, { roles: { $contains: ['HR'] } })).toBe(false);
  expect(standInsFit(employee, { $or: [{ name: 'a' }, { roles: { $contains: ['HR'] } }] })).toBe(
    false,
  );
  expect(standInsFit(ticket, { tags: { $overlap: ['vip'] } })).toBe(false);
  expect(standInsFit(ticket, { customer: { name: 'Acme' }, assignee: null })).toBe(true);
  expect(standInsFit(ticket, { assignee: { roles: { $contains: ['HR'] } } })).toBe(false);
  expect(standInsFit(event, { payload: { $eq: {} } })).toBe(false);
  // A key that names no property: the builder decides, every time.
  expect(standInsFit(ticket, { no_such_column: 1 })).toBe(false);
});
