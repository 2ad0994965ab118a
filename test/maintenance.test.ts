import { MAINTENANCE_DUE_JOB } from '../src/modules/assets/maintenance.job';
import { addDays } from '../src/modules/common/calendar-dates';
import {
  AssetMaintenanceDocument,
  CancelWorkOrderDocument,
  CompleteWorkOrderDocument,
  CreateAssetDocument,
  CreateMaintenancePlanDocument,
  CreateWorkOrderDocument,
  MaintenancePlansDocument,
  ProductWithMovementsDocument,
  ReportAssetLostDocument,
  RetireAssetDocument,
  RunMaintenanceSchedulerDocument,
  StartWorkOrderDocument,
  UpdateMaintenancePlanDocument,
  WorkOrderWithEntryDocument,
  WorkOrdersDocument,
  type AssetType,
  type CompleteWorkOrderInput,
  type CreateMaintenancePlanInput,
} from './generated/graphql';
import { createProduct, uniqueSuffix } from './support/fixtures';
import { ManualClock } from './support/manual-clock';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { startTestServer, type TestServer } from './support/test-server';

/**
 * Maintenance plans and work orders through the API, on a clock the test moves: a weekly plan
 * over a simulated year (never two open work orders, missed occurrences skipped and noted), an
 * interval plan counting from completions, a plan per asset type, completion with parts and
 * labour posted to the ledger, completion racing the scheduler, the staff mail, and refusals.
 */

const clock = new ManualClock('2031-01-01T06:00:00Z');

let sink: SmtpSink;
let server: TestServer;
let support: string; // IT_SUPPORT
let admin: string;
let accountant: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  server = await startTestServer({ SMTP_URL: sink.url, JOB_POLL_MS: '500' }, { clock });
  [support, admin, accountant] = await Promise.all([
    server.login('it@example.com'),
    server.login('admin@example.com'),
    server.login('accountant@example.com'),
  ]);
});

afterAll(async () => {
  await server?.close();
  await sink?.close();
});

const sql = <T extends object>(text: string, params: unknown[] = []) =>
  server.backdesk.database.orm.em.fork().execute<T[]>(text, params);

const numericId = (id: string) => Number(Buffer.from(id, 'base64url').toString().split(':')[1]);
const globalId = (type: string, key: number) => Buffer.from(`${type}:${key}`).toString('base64url');

/** Moves the clock to `day` and runs the daily scheduler job's handler, as cron would. */
async function runDay(day: string): Promise<void> {
  clock.set(`${day}T06:00:00Z`);
  await server.backdesk.jobs.runNow(MAINTENANCE_DUE_JOB, {});
}

async function asset(type: AssetType, tag = `MT-${uniqueSuffix()}`) {
  const result = await server.request(
    CreateAssetDocument,
    { input: { tag, type, model: 'Model X' } },
    support,
  );
  const created = result.data?.createAsset.asset;
  if (!created) throw new Error(JSON.stringify(result));
  return created;
}

async function plan(input: CreateMaintenancePlanInput) {
  const result = await server.request(CreateMaintenancePlanDocument, { input }, support);
  const created = result.data?.createMaintenancePlan.maintenancePlan;
  if (!created) throw new Error(JSON.stringify(result));
  return created;
}

async function complete(input: CompleteWorkOrderInput) {
  const result = await server.request(CompleteWorkOrderDocument, { input }, support);
  const payload = result.data?.completeWorkOrder;
  if (!payload) throw new Error(JSON.stringify(result));
  return payload;
}

async function schedulerRun(asOf?: string) {
  const result = await server.request(
    RunMaintenanceSchedulerDocument,
    { input: { asOf } },
    support,
  );
  const payload = result.data?.runMaintenanceScheduler;
  if (!payload) throw new Error(JSON.stringify(result));
  return payload;
}

/** The work orders of a plan still to be done, read in SQL. */
async function openOf(planId: string) {
  const rows = await sql<{ id: string; asset_id: string; due_on: string }>(
    `SELECT id, asset_id, due_on::text FROM work_order
      WHERE plan_id = ? AND status IN ('OPEN', 'IN_PROGRESS') ORDER BY id`,
    [numericId(planId)],
  );
  return rows.map((row) => ({ ...row, id: globalId('WorkOrder', Number(row.id)) }));
}

/** The largest number of open work orders any plan has for one asset. */
async function mostOpenPerPlanAndAsset(): Promise<number> {
  const [row] = await sql<{ most: number | null }>(
    `SELECT max(n)::int AS most FROM (SELECT count(*) AS n FROM work_order
      WHERE plan_id IS NOT NULL AND status IN ('OPEN', 'IN_PROGRESS') GROUP BY plan_id, asset_id) c`,
  );
  return row.most ?? 0;
}

describe('a weekly plan over a simulated year', () => {
  it('opens one work order per Monday, never two at once, skipping and noting what falls due meanwhile', async () => {
    const machine = await asset('MACHINE');
    const weekly = await plan({
      assetId: machine.id,
      rrule: 'RRULE:FREQ=WEEKLY;BYDAY=MO',
      startsOn: '2031-01-01',
      instructions: 'Lubricate the spindle\nand check the belts',
      estimatedLabourMinutes: 30,
    });
    expect(weekly).toMatchObject({
      name: 'Lubricate the spindle',
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      nextDueOn: '2031-01-06',
      lastCompletedOn: null,
      asset: { id: machine.id },
    });

    // Left open for three weeks from 3 March; the scheduler is down from 4 to 11 August.
    const leftOpen = '2031-03-03';
    const heldUntil = '2031-03-26';
    const downFrom = '2031-08-04';
    const downThrough = '2031-08-11';
    for (let day = '2031-01-01'; day <= '2031-12-31'; day = addDays(day, 1)) {
      if (day < downFrom || day > downThrough) await runDay(day);
      else clock.set(`${day}T06:00:00Z`);
      const open = await openOf(weekly.id);
      expect(open.length).toBeLessThanOrEqual(1);
      if (new Date(`${day}T00:00:00Z`).getUTCDay() === 1 && (day < downFrom || day > downThrough)) {
        // A second run on the same day changes nothing.
        const again = await schedulerRun(day);
        expect(again).toMatchObject({ workOrders: [], notedWorkOrders: [], userErrors: [] });
      }
      if (day === '2031-03-24') {
        const shown = await server.request(
          WorkOrdersDocument,
          { filter: { assetId: machine.id, status: ['OPEN'] } },
          support,
        );
        expect(shown.data?.workOrders.nodes).toEqual([
          expect.objectContaining({
            dueOn: leftOpen,
            skippedOccurrences: ['2031-03-10', '2031-03-17', '2031-03-24'],
            openedBy: null,
          }),
        ]);
      }
      const [current] = open;
      if (current && current.due_on < day && (current.due_on !== leftOpen || day >= heldUntil)) {
        const done = await complete({ workOrderId: current.id, notes: 'Done' });
        expect(done.userErrors).toEqual([]);
        expect(done.workOrder?.status).toBe('DONE');
      }
      expect((await openOf(weekly.id)).length).toBeLessThanOrEqual(1);
    }

    const orders = await sql<{ due_on: string; skipped: string[]; status: string }>(
      `SELECT due_on::text, skipped_occurrences AS skipped, status FROM work_order
        WHERE plan_id = ? ORDER BY id`,
      [numericId(weekly.id)],
    );
    const mondays: string[] = [];
    for (let day = '2031-01-06'; day <= '2031-12-31'; day = addDays(day, 7)) mondays.push(day);
    expect(mondays).toHaveLength(52);
    const skipped = ['2031-03-10', '2031-03-17', '2031-03-24', '2031-08-04'];
    expect(orders.map((order) => order.due_on)).toEqual(
      mondays.filter((day) => !skipped.includes(day)),
    );
    expect(orders).toHaveLength(48);
    expect(orders.every((order) => order.status === 'DONE')).toBe(true);
    expect(orders.find((order) => order.due_on === leftOpen)?.skipped).toEqual(skipped.slice(0, 3));
    // Completing the long one let the next Monday's open; the missed run opened only the latest.
    expect(orders.map((order) => order.due_on)).toContain('2031-03-31');
    expect(orders.find((order) => order.due_on === '2031-08-11')?.skipped).toEqual(['2031-08-04']);

    const shown = await server.request(AssetMaintenanceDocument, { id: machine.id }, support);
    expect(shown.data?.asset).toMatchObject({
      status: 'IN_STOCK',
      maintenancePlans: [{ id: weekly.id }],
      workOrders: { totalCount: 48 },
    });
    expect(shown.data?.asset?.history.map((entry) => entry.type)).toEqual(
      expect.arrayContaining(['MAINTENANCE_PLANNED', 'WORK_ORDER_OPENED', 'WORK_ORDER_COMPLETED']),
    );

    // Deactivated, it opens nothing more (and stays out of the later tests' runs).
    const off = await server.request(
      UpdateMaintenancePlanDocument,
      { input: { maintenancePlanId: weekly.id, active: false } },
      support,
    );
    expect(off.data?.updateMaintenancePlan.maintenancePlan).toMatchObject({
      active: false,
      lastCompletedOn: '2031-12-30',
      nextDueOn: '2032-01-05',
    });
    await runDay('2032-01-05');
    expect(await openOf(weekly.id)).toEqual([]);
  });
});

describe('an interval plan', () => {
  it('counts the next due day from the day the last work order was completed or cancelled', async () => {
    const van = await asset('VEHICLE');
    const every = await plan({
      assetId: van.id,
      intervalDays: 10,
      startsOn: '2032-01-06',
      instructions: 'Check tyres and brakes',
    });
    expect(every.nextDueOn).toBe('2032-01-06');
    await runDay('2032-01-05');
    expect(await openOf(every.id)).toEqual([]);
    await runDay('2032-01-06');
    const [first] = await openOf(every.id);
    expect(first.due_on).toBe('2032-01-06');
    await runDay('2032-01-09');
    const done = await complete({ workOrderId: first.id, labourMinutes: 0 });
    expect(done.userErrors).toEqual([]);
    const [shown] = (await server.request(MaintenancePlansDocument, { assetId: van.id }, support))
      .data!.maintenancePlans;
    expect(shown).toMatchObject({ lastCompletedOn: '2032-01-09', nextDueOn: '2032-01-19' });
    await runDay('2032-01-18');
    expect(await openOf(every.id)).toEqual([]);
    await runDay('2032-01-19');
    const [second] = await openOf(every.id);
    expect(second.due_on).toBe('2032-01-19');

    clock.set('2032-01-21T10:00:00Z');
    const cancelled = await server.request(
      CancelWorkOrderDocument,
      { input: { workOrderId: second.id, reason: 'Van sold on' } },
      support,
    );
    expect(cancelled.data?.cancelWorkOrder.workOrder?.status).toBe('CANCELLED');
    const [after] = (await server.request(MaintenancePlansDocument, { assetId: van.id }, support))
      .data!.maintenancePlans;
    expect(after).toMatchObject({ lastCompletedOn: '2032-01-09', nextDueOn: '2032-01-31' });
  });
});

describe('a plan per asset type', () => {
  it('opens one work order per asset of the type in service, and takes in assets recorded later', async () => {
    clock.set('2032-01-25T09:00:00Z');
    const [chairA, chairB, retired, lost] = await Promise.all(
      ['A', 'B', 'R', 'L'].map((letter) => asset('FURNITURE', `CH-${letter}-${uniqueSuffix()}`)),
    );
    // Retired and lost assets get no work orders.
    const retiring = await server.request(
      RetireAssetDocument,
      { input: { assetId: retired.id, reason: 'Broken' } },
      support,
    );
    expect(retiring.data?.retireAsset.asset?.status).toBe('RETIRED');
    const losing = await server.request(
      ReportAssetLostDocument,
      { input: { assetId: lost.id, reason: 'Not found at the audit' } },
      support,
    );
    expect(losing.data?.reportAssetLost.asset?.status).toBe('LOST');
    const chairs = await plan({
      assetType: 'FURNITURE',
      rrule: 'FREQ=MONTHLY;BYMONTHDAY=1',
      startsOn: '2032-02-01',
      instructions: 'Tighten the screws',
    });
    expect(chairs).toMatchObject({ assetType: 'FURNITURE', asset: null, nextDueOn: '2032-02-01' });

    clock.set('2032-02-01T06:00:00Z');
    const february = await schedulerRun();
    const ofPlan = (orders: { plan?: { id: string } | null; asset: { tag: string } }[] | null) =>
      (orders ?? [])
        .filter((order) => order.plan?.id === chairs.id)
        .map((order) => order.asset.tag)
        .sort();
    expect(ofPlan(february.workOrders)).toEqual([chairA.tag, chairB.tag].sort());

    clock.set('2032-02-10T09:00:00Z');
    const chairC = await asset('FURNITURE', `CH-C-${uniqueSuffix()}`);
    const tenth = await schedulerRun();
    expect(ofPlan(tenth.workOrders)).toEqual([]);

    // March: A and B still have February's open, so March is noted on them; C gets its first.
    clock.set('2032-03-01T06:00:00Z');
    const march = await schedulerRun();
    expect(ofPlan(march.workOrders)).toEqual([chairC.tag]);
    expect(ofPlan(march.notedWorkOrders)).toEqual([chairA.tag, chairB.tag].sort());
    expect(
      march.notedWorkOrders?.every((order) => order.skippedOccurrences.includes('2032-03-01')),
    ).toBe(true);
    const open = await openOf(chairs.id);
    expect(open.map((order) => Number(order.asset_id)).sort((a, b) => a - b)).toEqual(
      [chairA.id, chairB.id, chairC.id].map(numericId).sort((a, b) => a - b),
    );
    expect(await mostOpenPerPlanAndAsset()).toBe(1);

    const covering = await server.request(
      MaintenancePlansDocument,
      { assetId: chairC.id },
      support,
    );
    expect(covering.data?.maintenancePlans.map((each) => each.id)).toEqual([chairs.id]);
    // The database itself refuses a second open work order of a plan for one asset.
    await expect(
      sql(
        `INSERT INTO work_order (number, plan_id, asset_id, title, due_on, opened_at)
         VALUES ('WO-DUPLICATE', ?, ?, 'x', '2032-03-01', now())`,
        [numericId(chairs.id), numericId(chairA.id)],
      ),
    ).rejects.toThrow(/work_order_one_open/);
  });

  it('mails each active IT support employee once per work order a plan opened', async () => {
    const staff = await sql<{ email: string }>(
      `SELECT email FROM employee WHERE status = 'ACTIVE' AND 'IT_SUPPORT' = ANY(roles) ORDER BY email`,
    );
    expect(staff.map((row) => row.email)).toContain('it@example.com');
    const opened = await sql<{ number: string }>(
      `SELECT w.number FROM work_order w JOIN maintenance_plan p ON p.id = w.plan_id
        WHERE p.asset_type = 'FURNITURE' ORDER BY w.id`,
    );
    expect(opened).toHaveLength(3);
    // Runs on the same day again (a retry) queue nothing more.
    await runDay('2032-03-01');
    for (const { number } of opened) {
      const [queued] = await sql<{ count: number }>(
        `SELECT count(*)::int AS count FROM outbound_email
          WHERE kind = 'WORK_ORDER_OPENED' AND subject LIKE ?`,
        [`%${number} %`],
      );
      expect(queued.count).toBe(staff.length);
    }
    const about = (number: string, mails: typeof sink.received) =>
      mails.filter((mail) => mail.parsed.subject?.includes(`${number} `));
    const received = await sink.waitFor((mails) =>
      opened.every(({ number }) => about(number, mails).length === staff.length),
    );
    for (const { number } of opened)
      expect(
        about(number, received)
          .flatMap((mail) => mail.rcptTo)
          .sort(),
      ).toEqual(staff.map((row) => row.email));
  });
});

describe('completing a work order', () => {
  it('takes its parts from stock and posts parts and labour to 6150 against 1200 and 6000', async () => {
    clock.set('2032-04-05T09:00:00Z');
    const printer = await asset('PRINTER');
    const [drum, belt] = await Promise.all([
      createProduct(server, admin, { cost: '12.50', stock: 10 }),
      createProduct(server, admin, { cost: '3.20', stock: 5 }),
    ]);
    const created = await server.request(
      CreateWorkOrderDocument,
      { input: { assetId: printer.id, title: 'Paper jams', instructions: 'Replace the drum' } },
      support,
    );
    const order = created.data?.createWorkOrder.workOrder;
    if (!order) throw new Error(JSON.stringify(created));
    expect(order).toMatchObject({ status: 'OPEN', dueOn: '2032-04-05', plan: null });
    const started = await server.request(
      StartWorkOrderDocument,
      { input: { workOrderId: order.id } },
      support,
    );
    expect(started.data?.startWorkOrder.workOrder).toMatchObject({
      status: 'IN_PROGRESS',
      asset: { status: 'IN_MAINTENANCE' },
    });

    const done = await complete({
      workOrderId: order.id,
      parts: [
        { productId: drum, quantity: 2 },
        { productId: belt, quantity: 3 },
      ],
      labourMinutes: 90,
      notes: 'Drum and belts replaced',
    });
    expect(done.userErrors).toEqual([]);
    expect(done.workOrder).toMatchObject({
      status: 'DONE',
      asset: { status: 'IN_STOCK' },
      labourMinutes: 90,
      labourCost: { amount: '75.00' },
      partsCost: { amount: '34.60' },
      totalCost: { amount: '109.60' },
      completedBy: { email: 'it@example.com' },
      parts: [
        { product: { id: drum }, quantity: 2, unitCost: { amount: '12.50' } },
        { product: { id: belt }, quantity: 3, amount: { amount: '9.60' } },
      ],
    });
    const stock = async (id: string) =>
      (await server.request(ProductWithMovementsDocument, { id }, admin)).data?.product;
    const drumNow = await stock(drum);
    expect(drumNow?.stock.onHand).toBe(8);
    expect(drumNow?.stockMovements.map((movement) => movement.kind)).toContain('MAINTENANCE');
    expect((await stock(belt))?.stock.onHand).toBe(2);

    const read = await server.request(WorkOrderWithEntryDocument, { id: order.id }, accountant);
    const entry = read.data?.workOrder?.journalEntry;
    expect(entry?.date).toBe('2032-04-05');
    expect(
      entry?.lines.map((line) => [line.account.code, line.debit.amount, line.credit.amount]),
    ).toEqual(
      expect.arrayContaining([
        ['6150', '109.60', '0.00'],
        ['1200', '0.00', '34.60'],
        ['6000', '0.00', '75.00'],
      ]),
    );
    expect(entry?.lines).toHaveLength(3);
    // The entry is for ledger readers only.
    const forIt = await server.request(WorkOrderWithEntryDocument, { id: order.id }, support);
    expect(forIt.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    // More than is available: refused on the part's line, and nothing is written.
    const second = await server.request(
      CreateWorkOrderDocument,
      { input: { assetId: printer.id, title: 'Noisy' } },
      support,
    );
    const secondId = second.data!.createWorkOrder.workOrder!.id;
    const refused = await complete({
      workOrderId: secondId,
      parts: [
        { productId: drum, quantity: 1 },
        { productId: belt, quantity: 3 },
      ],
      labourMinutes: 15,
    });
    expect(refused.userErrors).toEqual([
      expect.objectContaining({ code: 'INSUFFICIENT_STOCK', field: ['input', 'parts', '1'] }),
    ]);
    expect((await stock(drum))?.stock.onHand).toBe(8);
    const [unchanged] = await sql<{ status: string; parts: number }>(
      `SELECT status, (SELECT count(*)::int FROM work_order_part WHERE work_order_id = w.id) AS parts
         FROM work_order w WHERE id = ?`,
      [numericId(secondId)],
    );
    expect(unchanged).toEqual({ status: 'OPEN', parts: 0 });
  });

  it('racing the scheduler leaves at most one open work order, and the occurrence noted once', async () => {
    clock.set('2032-05-03T06:00:00Z'); // a Monday
    const lathe = await asset('MACHINE');
    const weekly = await plan({
      assetId: lathe.id,
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      startsOn: '2032-05-03',
      instructions: 'Clean the lathe',
    });
    await runDay('2032-05-03');
    let due = '2032-05-03';
    for (let round = 1; round <= 4; round += 1) {
      const [open] = await openOf(weekly.id);
      expect(open.due_on).toBe(due);
      // Completed on the day the next occurrence falls due, while schedulers run.
      const next = addDays(due, 7);
      clock.set(`${next}T09:00:00Z`);
      const [done] = await Promise.all([
        complete({ workOrderId: open.id }),
        server.backdesk.jobs.runNow(MAINTENANCE_DUE_JOB, {}),
        schedulerRun(),
        server.backdesk.jobs.runNow(MAINTENANCE_DUE_JOB, {}),
      ]);
      expect(done.userErrors).toEqual([]);
      expect(await openOf(weekly.id)).toEqual([]);
      const [closed] = await sql<{ skipped: string[] }>(
        'SELECT skipped_occurrences AS skipped FROM work_order WHERE id = ?',
        [numericId(open.id)],
      );
      expect(closed.skipped).toEqual([next]);
      // The occurrence after opens once.
      due = addDays(next, 7);
      await runDay(due);
      expect((await openOf(weekly.id)).map((order) => order.due_on)).toEqual([due]);
    }
    expect(await mostOpenPerPlanAndAsset()).toBe(1);
  });
});

describe('refusals', () => {
  it('answers user errors for an unreadable RRULE, two or no recurrences, an unknown asset, and writes nothing', async () => {
    clock.set('2032-06-01T09:00:00Z');
    const pump = await asset('MACHINE');
    const [before] = await sql<{ count: number }>(
      'SELECT count(*)::int AS count FROM maintenance_plan',
    );
    const refusal = async (input: CreateMaintenancePlanInput) => {
      const result = await server.request(CreateMaintenancePlanDocument, { input }, support);
      expect(result.data?.createMaintenancePlan.maintenancePlan).toBeNull();
      return result.data?.createMaintenancePlan.userErrors[0];
    };
    const instructions = 'Check the seals';
    expect(await refusal({ assetId: pump.id, rrule: 'FREQ=WEEKLY;FOO=BAR', instructions })).toEqual(
      {
        code: 'INVALID_INPUT',
        field: ['input', 'rrule'],
        message: "Not a valid RRULE: Unknown RRULE property 'FOO'",
      },
    );
    expect(await refusal({ assetId: pump.id, rrule: 'FREQ=HOURLY', instructions })).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'rrule'],
    });
    expect(
      await refusal({ assetId: pump.id, rrule: 'FREQ=DAILY', intervalDays: 7, instructions }),
    ).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'intervalDays'] });
    expect(await refusal({ assetId: pump.id, instructions })).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'rrule'],
    });
    expect(
      await refusal({
        assetId: Buffer.from('Asset:999999').toString('base64url'),
        intervalDays: 7,
        instructions,
      }),
    ).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'assetId'] });
    expect(
      await refusal({ assetId: pump.id, assetType: 'MACHINE', intervalDays: 7, instructions }),
    ).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'assetType'] });
    const [after] = await sql<{ count: number }>(
      'SELECT count(*)::int AS count FROM maintenance_plan',
    );
    expect(after.count).toBe(before.count);

    const tomorrow = await schedulerRun('2032-06-02');
    expect(tomorrow.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'asOf'] }),
    ]);
  });
});
