import pino from 'pino';
import { openOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { DEMO_EMPLOYEES, seedDemoData } from '../src/modules/seed';
import { formatMinorUnits, parseMinorUnits } from '../src/modules/common/money';
import { decodeGlobalId, parseGlobalId, toGlobalId } from '../src/graphql/global-id';
import { isCalendarDate } from '../src/graphql/scalars';
import { Employee } from '../src/modules/employees/employee.entity';
import { createTestDatabase } from './support/test-database';

describe('demo seed', () => {
  it('is idempotent', async () => {
    const database = await createTestDatabase();
    const orm = await openOrm({ entities: ENTITIES, clientUrl: database.url, poolMax: 2 });
    try {
      await seedDemoData(orm, pino({ level: 'silent' }));
      await seedDemoData(orm, pino({ level: 'silent' }));
      const employees = await orm.em.fork().find(Employee, {}, { orderBy: { id: 'asc' } });
      expect(employees.map((e) => e.email)).toEqual(DEMO_EMPLOYEES.map((e) => e.email));
      const [counts] = await orm.em
        .fork()
        .getConnection()
        .execute<{ customers: string; products: string; orders: string }[]>(
          `SELECT (SELECT count(*) FROM customer) AS customers, (SELECT count(*) FROM product) AS products,
                (SELECT count(*) FROM "order") AS orders`,
        );
      expect(counts).toEqual({ customers: '6', products: '7', orders: '7' });
      const macros = await orm.em
        .fork()
        .getConnection()
        .execute<{ name: string }[]>('SELECT name FROM macro ORDER BY name');
      expect(macros.map((m) => m.name)).toEqual([
        'Need more details',
        'Order on its way',
        'Solved, thank you',
      ]);
      const statuses = await orm.em
        .fork()
        .getConnection()
        .execute<{ status: string }[]>('SELECT DISTINCT status FROM "order" ORDER BY 1');
      const ticketStatuses = await orm.em
        .fork()
        .getConnection()
        .execute<{ status: string; queue: string; messages: string }[]>(
          'SELECT t.status, t.queue, (SELECT count(*) FROM ticket_message m WHERE m.ticket_id = t.id) AS messages FROM ticket t ORDER BY t.id',
        );
      const statusesOf = (queue: string) =>
        ticketStatuses.filter((t) => t.queue === queue).map((t) => t.status);
      expect(statusesOf('CUSTOMER')).toEqual([
        'NEW',
        'OPEN',
        'PENDING',
        'ON_HOLD',
        'SOLVED',
        'CLOSED',
      ]);
      expect(statusesOf('IT')).toEqual(['PENDING', 'NEW', 'SOLVED']);
      expect(ticketStatuses.every((t) => Number(t.messages) >= 1)).toBe(true);
      expect(statuses.map((s) => s.status)).toEqual([
        'CANCELLED',
        'DELIVERED',
        'PACKED',
        'PICKING',
        'PLACED',
        'SHIPPED',
      ]);
    } finally {
      await orm.close(true);
      await database.drop();
    }
  });
});

describe('money', () => {
  it('parses decimal strings into minor units without floats', () => {
    expect(parseMinorUnits('1234.5')).toEqual({ ok: true, minor: 123450n });
    expect(parseMinorUnits('0.01')).toEqual({ ok: true, minor: 1n });
    expect(parseMinorUnits('10.000')).toEqual({ ok: true, minor: 1000n });
    expect(parseMinorUnits('0.1').ok && parseMinorUnits('0.2').ok).toBe(true);
    expect(parseMinorUnits('10.001')).toEqual({ ok: false, reason: 'precision' });
    expect(parseMinorUnits('-5')).toEqual({ ok: false, reason: 'negative' });
    expect(parseMinorUnits('-5', { allowNegative: true })).toEqual({ ok: true, minor: -500n });
    expect(parseMinorUnits('0')).toEqual({ ok: false, reason: 'zero' });
    expect(parseMinorUnits('1e5')).toEqual({ ok: false, reason: 'format' });
    expect(parseMinorUnits('99999999999999')).toEqual({ ok: false, reason: 'too_large' });
  });

  it('formats minor units with two decimals', () => {
    expect(formatMinorUnits(123450n)).toBe('1234.50');
    expect(formatMinorUnits(-5n)).toBe('-0.05');
    expect(formatMinorUnits(0n)).toBe('0.00');
  });
});

describe('global IDs and dates', () => {
  it('round-trips and refuses other types and garbage', () => {
    const id = toGlobalId('Employee', 42);
    expect(decodeGlobalId(id)).toEqual({ typeName: 'Employee', key: '42' });
    expect(parseGlobalId(id, 'Employee')).toBe(42);
    expect(() => parseGlobalId(id, 'Customer')).toThrow(/not a valid Customer ID/);
    expect(() => parseGlobalId('%%%', 'Employee')).toThrow();
    expect(() => parseGlobalId(toGlobalId('Employee', '1; drop table'), 'Employee')).toThrow();
  });

  it('accepts only real calendar days', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-2-1')).toBe(false);
  });
});
