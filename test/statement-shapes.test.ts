import { raw, type FilterQuery } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { shapedStatement, type Statement } from '../src/db/statement-shapes';
import { Order } from '../src/modules/orders/order.entity';
import { Ticket } from '../src/modules/support/ticket.entity';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Page statements are rendered by the query builder once per shape (db/statement-shapes.ts):
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
