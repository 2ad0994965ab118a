import type { MikroORM } from '@mikro-orm/postgresql';
import pino from 'pino';
import { insertRow, lockRow, saveRow } from '../src/db/plain-rows';
import { openOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { seedDemoData } from '../src/modules/seed';
import { Employee } from '../src/modules/employees/employee.entity';
import {
  MessageAuthorKind,
  Ticket,
  TicketMessage,
  TicketPriority,
  TicketStatus,
} from '../src/modules/support/ticket.entity';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/** Ticket changes lock a plain row, change it in place and write back what changed. */
describe('locked plain rows', () => {
  let database: TestDatabase;
  let orm: MikroORM;
  let ticketId: number;
  let agentId: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    orm = await openOrm({ entities: ENTITIES, clientUrl: database.url, poolMax: 4 });
    await seedDemoData(orm, pino({ level: 'silent' }));
    const [row] = await orm.em
      .fork()
      .execute<{ id: string; agent: string }[]>(
        "SELECT min(id) AS id, (SELECT id FROM employee WHERE email = 'agent@example.com') AS agent FROM ticket",
      );
    ticketId = Number(row.id);
    agentId = Number(row.agent);
    await orm.em.fork().execute('UPDATE ticket SET assignee_id = NULL WHERE id = ?', [ticketId]);
  });

  afterAll(async () => {
    await orm?.close();
    await database?.drop();
  });

  const readTicket = async () =>
    (
      await orm.em
        .fork()
        .execute<Record<string, unknown>[]>(
          'SELECT status, priority, tags, assignee_id, paused_at, subject, updated_at FROM ticket WHERE id = ?',
          [ticketId],
        )
    )[0];

  it('writes back exactly the columns that changed, in one UPDATE, and nothing when none did', async () => {
    const before = await readTicket();
    const statements: string[] = [];
    const knex = orm.em.getConnection().getKnex();
    const listen = (query: { sql: string }) => statements.push(query.sql);
    knex.on('query', listen);
    const pausedAt = new Date('2026-01-02T03:04:05.000Z');
    try {
      await orm.em.fork().transactional(async (tx) => {
        const ticket = await lockRow(tx, Ticket, ticketId);
        if (!ticket) throw new Error('no ticket');
        expect(ticket.customer).toEqual({ id: expect.any(Number) });
        ticket.status = TicketStatus.ON_HOLD;
        ticket.priority = TicketPriority.URGENT;
        ticket.tags = ['vip', 'needs "quotes", commas'];
        ticket.assignee = { id: agentId } as Employee;
        ticket.pausedAt = pausedAt;
        ticket.subject = String(ticket.subject); // the same value: not written
        await saveRow(tx, Ticket, ticket);
        await saveRow(tx, Ticket, ticket); // nothing changed since the last save
      });
    } finally {
      knex.off('query', listen);
    }
    const updates = statements.filter((sql) => /^update/i.test(sql));
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatch(/^UPDATE "ticket" SET /);
    for (const column of ['status', 'priority', 'tags', 'assignee_id', 'paused_at'])
      expect(updates[0]).toContain(`"${column}" = `);
    expect(updates[0]).not.toContain('"subject"');
    expect(updates[0]).not.toContain('"updated_at"');
    expect(statements.some((sql) => /for update/i.test(sql))).toBe(true);

    const after = await readTicket();
    expect(after).toMatchObject({
      status: 'ON_HOLD',
      priority: 'URGENT',
      tags: ['vip', 'needs "quotes", commas'],
      assignee_id: String(agentId),
      subject: before.subject,
      updated_at: before.updated_at,
    });
    expect(new Date(after.paused_at as string).toISOString()).toBe(pausedAt.toISOString());
  });

  it('holds the row lock until the transaction ends', async () => {
    const order: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstLocked: () => void = () => undefined;
    const locked = new Promise<void>((resolve) => (firstLocked = resolve));
    const first = orm.em.fork().transactional(async (tx) => {
      await lockRow(tx, Ticket, ticketId);
      firstLocked();
      await firstHolds;
      order.push('first commits');
    });
    await locked;
    const second = orm.em.fork().transactional(async (tx) => {
      await lockRow(tx, Ticket, ticketId);
      order.push('second locked');
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first commits', 'second locked']);
  });

  it('inserts a row with the entity defaults under the given values and returns it as stored', async () => {
    const createdAt = new Date('2026-03-04T05:06:07.000Z');
    const message = await orm.em.fork().transactional((tx) =>
      insertRow(tx, TicketMessage, {
        ticket: { id: ticketId } as Ticket,
        authorKind: MessageAuthorKind.CUSTOMER,
        body: 'Where is my parcel?',
        createdAt,
      }),
    );
    expect(message).toEqual({
      id: expect.any(Number),
      ticket: { id: ticketId },
      authorKind: 'CUSTOMER',
      authorId: null, // the class's default
      body: 'Where is my parcel?',
      internal: false, // the class's default
      createdAt,
    });
    const [stored] = await orm.em
      .fork()
      .execute<Record<string, unknown>[]>(
        'SELECT ticket_id, author_kind, author_id, body, internal FROM ticket_message WHERE id = ?',
        [message.id],
      );
    expect(stored).toEqual({
      ticket_id: String(ticketId),
      author_kind: 'CUSTOMER',
      author_id: null,
      body: 'Where is my parcel?',
      internal: false,
    });
  });

  it('returns null for a missing row and refuses to save a row it did not lock', async () => {
    await orm.em.fork().transactional(async (tx) => {
      expect(await lockRow(tx, Ticket, 987_654_321)).toBeNull();
      const ticket = await lockRow(tx, Ticket, ticketId);
      await expect(saveRow(tx, Ticket, { ...ticket } as Ticket)).rejects.toThrow(
        /not read with lockRow/,
      );
    });
  });
});
