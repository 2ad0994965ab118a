import {
  ChecklistsDocument,
  ChecklistTemplatesDocument,
  CompleteChecklistItemDocument,
  CreateChecklistTemplateDocument,
  HireEmployeeDocument,
  OverdueChecklistItemsDocument,
  ReopenChecklistItemDocument,
  TerminateEmployeeDocument,
  UpdateChecklistTemplateDocument,
  type ChecklistFieldsFragment,
} from './generated/graphql';
import { DEMO_EMPLOYEES } from '../src/modules/seed';
import { errorCode, uniqueSuffix } from './support/fixtures';
import { ManualClock } from './support/manual-clock';
import { startTestServer, type TestServer } from './support/test-server';

const PASSWORD = 'a-long-enough-password';

/** A calendar date `days` after `date`. */
const plus = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const numericId = (id: string) => Number(Buffer.from(id, 'base64url').toString().split(':')[1]);

let server: TestServer;
let hr: string;
let admin: string;
let agent: string;
const clock = new ManualClock('2031-03-02T09:00:00Z');

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  [hr, admin, agent] = await Promise.all([
    server.login('hr@example.com'),
    server.login('admin@example.com'),
    server.login('agent@example.com'),
  ]);
});

afterAll(async () => {
  await server?.close();
});

const sql = <T extends object>(text: string, params: unknown[] = []) =>
  server.backdesk.database.orm.em.fork().execute<T[]>(text, params);

async function hire(options: { hireDate: string; managerId?: string }) {
  const email = `joiner-${uniqueSuffix()}@example.com`;
  const result = await server.request(
    HireEmployeeDocument,
    {
      input: {
        name: `Joiner ${email}`,
        email,
        title: 'Analyst',
        hireDate: options.hireDate,
        managerId: options.managerId,
        roles: ['SUPPORT_AGENT'],
        password: PASSWORD,
      },
    },
    hr,
  );
  const employee = result.data?.hireEmployee.employee;
  if (!employee) throw new Error(JSON.stringify(result));
  return { id: employee.id, email, token: () => server.login(email, PASSWORD) };
}

async function checklistOf(
  employeeId: string,
  kind: 'ONBOARDING' | 'OFFBOARDING',
  token = hr,
): Promise<ChecklistFieldsFragment> {
  const result = await server.request(ChecklistsDocument, { filter: { employeeId, kind } }, token);
  const [checklist, ...others] = result.data?.checklists ?? [];
  if (!checklist || others.length > 0) throw new Error(JSON.stringify(result));
  return checklist;
}

async function defaultTemplate(kind: 'ONBOARDING' | 'OFFBOARDING') {
  const result = await server.request(ChecklistTemplatesDocument, { kind }, hr);
  const template = result.data?.checklistTemplates.find((t) => t.isDefault);
  if (!template) throw new Error(JSON.stringify(result));
  return template;
}

const complete = (itemId: string, token: string) =>
  server.request(CompleteChecklistItemDocument, { input: { itemId } }, token);

const itemTitled = (checklist: ChecklistFieldsFragment, title: string) => {
  const item = checklist.items.find((candidate) => candidate.title === title);
  if (!item) throw new Error(`no item ${title}`);
  return item;
};

describe('checklists made by hiring and terminating', () => {
  it("gives a new hire an onboarding checklist with the default template's items and due dates", async () => {
    const template = await defaultTemplate('ONBOARDING');
    expect(template.name).toBe('Standard onboarding');
    const joiner = await hire({ hireDate: '2031-04-07' });
    const checklist = await checklistOf(joiner.id, 'ONBOARDING');
    expect(checklist).toMatchObject({
      kind: 'ONBOARDING',
      anchorDate: '2031-04-07',
      complete: false,
      completedAt: null,
      employee: { id: joiner.id },
    });
    expect(
      checklist.items.map(({ title, assigneeRole, dueDate, blocking, done }) => ({
        title,
        assigneeRole,
        dueDate,
        blocking,
        done,
      })),
    ).toEqual(
      template.items.map((item) => ({
        title: item.title,
        assigneeRole: item.assigneeRole,
        dueDate: plus('2031-04-07', item.dueOffsetDays),
        blocking: item.blocking,
        done: false,
      })),
    );
    expect(checklist.items.map((item) => item.dueDate).slice(0, 3)).toEqual([
      '2031-03-31',
      '2031-04-06',
      '2031-04-07',
    ]);
    const [events] = await sql<{ count: string }>(
      "SELECT count(*) AS count FROM event WHERE stream_type = 'Checklist' AND type = 'CREATED' AND stream_id = ?",
      [String(numericId(checklist.id))],
    );
    expect(Number(events.count)).toBe(1);
  });

  it('copies the template: later edits reach only checklists made after them', async () => {
    const before = await hire({ hireDate: '2031-05-05' });
    const standard = await defaultTemplate('ONBOARDING');
    const created = await server.request(
      CreateChecklistTemplateDocument,
      {
        input: {
          name: `Short onboarding ${uniqueSuffix()}`,
          kind: 'ONBOARDING',
          isDefault: true,
          items: [
            { title: 'Badge photo', assigneeRole: 'HR', dueOffsetDays: 0, blocking: false },
            { title: 'Read the handbook', assigneeRole: 'EMPLOYEE', dueOffsetDays: 5 },
          ],
        },
      },
      hr,
    );
    expect(created.data?.createChecklistTemplate).toMatchObject({
      checklistTemplate: { kind: 'ONBOARDING', isDefault: true },
      userErrors: [],
    });
    const shortId = created.data?.createChecklistTemplate.checklistTemplate?.id ?? '';
    try {
      const after = await hire({ hireDate: '2031-05-05' });
      expect((await checklistOf(after.id, 'ONBOARDING')).items).toEqual([
        expect.objectContaining({ title: 'Badge photo', dueDate: '2031-05-05', blocking: false }),
        expect.objectContaining({ title: 'Read the handbook', dueDate: '2031-05-10' }),
      ]);
      expect((await checklistOf(before.id, 'ONBOARDING')).items.map((i) => i.title)).toEqual(
        standard.items.map((i) => i.title),
      );
      // The default cannot be unset, only moved to another template.
      const unset = await server.request(
        UpdateChecklistTemplateDocument,
        { input: { templateId: shortId, isDefault: false } },
        hr,
      );
      expect(unset.data?.updateChecklistTemplate.userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'isDefault'] }),
      ]);
      const renamed = await server.request(
        UpdateChecklistTemplateDocument,
        { input: { templateId: shortId, name: 'Standard onboarding' } },
        hr,
      );
      expect(renamed.data?.updateChecklistTemplate.userErrors).toEqual([
        expect.objectContaining({ code: 'NAME_TAKEN', field: ['input', 'name'] }),
      ]);
      const byAgent = await server.request(
        UpdateChecklistTemplateDocument,
        { input: { templateId: shortId, name: 'Mine' } },
        agent,
      );
      expect(errorCode(byAgent)).toBe('FORBIDDEN');
    } finally {
      const restored = await server.request(
        UpdateChecklistTemplateDocument,
        { input: { templateId: standard.id, isDefault: true } },
        hr,
      );
      expect(restored.data?.updateChecklistTemplate).toMatchObject({
        checklistTemplate: { isDefault: true },
        userErrors: [],
      });
    }
    const templates = await server.request(ChecklistTemplatesDocument, { kind: 'ONBOARDING' }, hr);
    expect(templates.data?.checklistTemplates.filter((t) => t.isDefault).map((t) => t.id)).toEqual([
      standard.id,
    ]);
  });

  it('gives a leaver an offboarding checklist, due from their last day, once', async () => {
    const leaver = await hire({ hireDate: '2030-01-07' });
    const template = await defaultTemplate('OFFBOARDING');
    const terminated = await server.request(
      TerminateEmployeeDocument,
      { input: { employeeId: leaver.id, date: '2031-03-31', reason: 'Moving abroad' } },
      hr,
    );
    expect(terminated.data?.terminateEmployee.userErrors).toEqual([]);
    const checklist = await checklistOf(leaver.id, 'OFFBOARDING');
    expect(checklist.anchorDate).toBe('2031-03-31');
    expect(checklist.items.map((i) => [i.title, i.dueDate, i.blocking])).toEqual(
      template.items.map((i) => [i.title, plus('2031-03-31', i.dueOffsetDays), i.blocking]),
    );
    expect(itemTitled(checklist, 'Return all equipment')).toMatchObject({
      assigneeRole: 'IT_SUPPORT',
      blocking: true,
    });
    const again = await server.request(
      TerminateEmployeeDocument,
      { input: { employeeId: leaver.id, date: '2031-04-30', reason: 'Twice' } },
      hr,
    );
    expect(again.data?.terminateEmployee.userErrors[0]?.code).toBe('INVALID_TRANSITION');
    const [rows] = await sql<{ count: string }>(
      'SELECT count(*) AS count FROM checklist WHERE employee_id = ?',
      [numericId(leaver.id)],
    );
    expect(Number(rows.count)).toBe(2);
    // One checklist per employee and kind, whatever the caller: the database refuses a second.
    await expect(
      sql(
        `INSERT INTO checklist (employee_id, kind, template_id, anchor_date)
         SELECT employee_id, kind, template_id, anchor_date FROM checklist WHERE id = ?`,
        [numericId(checklist.id)],
      ),
    ).rejects.toThrow(/checklist_employee_kind_unique/);
  });
});

describe('who sees and does checklist items', () => {
  it('lets HR do any item, the manager MANAGER items and the employee EMPLOYEE items', async () => {
    const manager = await hire({ hireDate: '2030-06-03' });
    const joiner = await hire({ hireDate: '2031-03-02', managerId: manager.id });
    const [joinerToken, managerToken] = await Promise.all([joiner.token(), manager.token()]);
    const checklist = await checklistOf(joiner.id, 'ONBOARDING');
    const employeeItem = itemTitled(checklist, 'Submit tax and bank details');
    const managerItem = itemTitled(checklist, 'Welcome meeting and first-week plan');
    const hrItem = itemTitled(checklist, 'Prepare the employment contract and personnel file');
    const itItem = itemTitled(checklist, 'Set up accounts and a laptop');

    // Who sees it: HR, the employee, their manager; not another employee.
    expect((await checklistOf(joiner.id, 'ONBOARDING', joinerToken)).id).toBe(checklist.id);
    expect((await checklistOf(joiner.id, 'ONBOARDING', managerToken)).id).toBe(checklist.id);
    const seenByAgent = await server.request(
      ChecklistsDocument,
      { filter: { employeeId: joiner.id } },
      agent,
    );
    expect(seenByAgent.data?.checklists).toEqual([]);
    const ownList = await server.request(ChecklistsDocument, {}, joinerToken);
    expect(ownList.data?.checklists.map((c) => c.employee.id)).toEqual([joiner.id]);

    // Forbidden: another role's item, for someone who sees the checklist; nothing changes.
    for (const [token, item] of [
      [joinerToken, managerItem],
      [joinerToken, hrItem],
      [joinerToken, itItem],
      [managerToken, employeeItem],
      [managerToken, hrItem],
    ] as const) {
      const refused = await complete(item.id, token);
      expect(errorCode(refused)).toBe('FORBIDDEN');
      expect(refused.data?.completeChecklistItem ?? null).toBeNull();
    }
    // Someone who does not see the checklist is told it does not exist.
    const hidden = await complete(employeeItem.id, agent);
    expect(hidden.data?.completeChecklistItem.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'itemId'] }),
    ]);
    expect((await checklistOf(joiner.id, 'ONBOARDING')).items.every((i) => !i.done)).toBe(true);

    // Allowed.
    clock.set('2031-03-05T10:00:00Z');
    const byEmployee = await complete(employeeItem.id, joinerToken);
    expect(byEmployee.data?.completeChecklistItem.userErrors).toEqual([]);
    expect(
      itemTitled(byEmployee.data!.completeChecklistItem.checklist!, employeeItem.title),
    ).toMatchObject({
      done: true,
      doneAt: '2031-03-05T10:00:00.000Z',
      doneBy: { email: joiner.email },
    });
    const byManager = await complete(managerItem.id, managerToken);
    expect(byManager.data?.completeChecklistItem.userErrors).toEqual([]);
    for (const item of [hrItem, itItem]) {
      const byHr = await complete(item.id, hr);
      expect(byHr.data?.completeChecklistItem.userErrors).toEqual([]);
    }
    const twice = await complete(managerItem.id, admin);
    expect(twice.data?.completeChecklistItem.userErrors[0]?.code).toBe('INVALID_TRANSITION');

    // Undo: by whoever may do the item.
    expect(
      errorCode(
        await server.request(
          ReopenChecklistItemDocument,
          { input: { itemId: employeeItem.id } },
          managerToken,
        ),
      ),
    ).toBe('FORBIDDEN');
    const reopened = await server.request(
      ReopenChecklistItemDocument,
      { input: { itemId: employeeItem.id } },
      joinerToken,
    );
    expect(reopened.data?.reopenChecklistItem.userErrors).toEqual([]);
    expect(
      itemTitled(reopened.data!.reopenChecklistItem.checklist!, employeeItem.title),
    ).toMatchObject({ done: false, doneAt: null, doneBy: null });

    const events = await sql<{ type: string; actor_id: string }>(
      `SELECT type, actor_id FROM event WHERE stream_type = 'Checklist' AND stream_id = ?
        AND type IN ('ITEM_COMPLETED', 'ITEM_REOPENED') ORDER BY seq`,
      [String(numericId(checklist.id))],
    );
    expect(events.map((e) => [e.type, Number(e.actor_id)])).toEqual([
      ['ITEM_COMPLETED', numericId(joiner.id)],
      ['ITEM_COMPLETED', numericId(manager.id)],
      ['ITEM_COMPLETED', expect.any(Number)],
      ['ITEM_COMPLETED', expect.any(Number)],
      ['ITEM_REOPENED', numericId(joiner.id)],
    ]);
  });
});

describe('blocking items', () => {
  it('keeps an offboarding checklist open until its equipment is returned, then makes it final', async () => {
    const leaver = await hire({ hireDate: '2029-09-03' });
    await server.request(
      TerminateEmployeeDocument,
      { input: { employeeId: leaver.id, date: '2031-03-20', reason: 'Retiring' } },
      hr,
    );
    const checklist = await checklistOf(leaver.id, 'OFFBOARDING');
    const equipment = itemTitled(checklist, 'Return all equipment');
    const others = checklist.items.filter((item) => !item.blocking);
    const last = others[others.length - 1];
    for (const item of others.slice(0, -1))
      expect((await complete(item.id, hr)).data?.completeChecklistItem.userErrors).toEqual([]);
    const blocked = await complete(last.id, hr);
    expect(blocked.data?.completeChecklistItem.userErrors).toEqual([
      expect.objectContaining({ code: 'CHECKLIST_BLOCKED', field: ['input', 'itemId'] }),
    ]);
    expect(blocked.data?.completeChecklistItem.userErrors[0]?.message).toContain(
      'Return all equipment',
    );
    expect(itemTitled(await checklistOf(leaver.id, 'OFFBOARDING'), last.title).done).toBe(false);

    expect((await complete(equipment.id, hr)).data?.completeChecklistItem.userErrors).toEqual([]);
    clock.set('2031-03-27T16:00:00Z');
    const done = await complete(last.id, hr);
    expect(done.data?.completeChecklistItem).toMatchObject({
      checklist: { complete: true, completedAt: '2031-03-27T16:00:00.000Z' },
      userErrors: [],
    });
    const reopen = await server.request(
      ReopenChecklistItemDocument,
      { input: { itemId: last.id } },
      hr,
    );
    expect(reopen.data?.reopenChecklistItem.userErrors[0]?.code).toBe('INVALID_TRANSITION');
    const [completed] = await sql<{ count: string }>(
      "SELECT count(*) AS count FROM event WHERE stream_type = 'Checklist' AND stream_id = ? AND type = 'COMPLETED'",
      [String(numericId(checklist.id))],
    );
    expect(Number(completed.count)).toBe(1);
  });

  it('lets one of two concurrent last items through while a blocking item is open', async () => {
    const leaver = await hire({ hireDate: '2029-09-03' });
    await server.request(
      TerminateEmployeeDocument,
      { input: { employeeId: leaver.id, date: '2031-03-21', reason: 'Retiring' } },
      hr,
    );
    const checklist = await checklistOf(leaver.id, 'OFFBOARDING');
    const others = checklist.items.filter((item) => !item.blocking);
    for (const item of others.slice(0, -2)) await complete(item.id, hr);
    const raced = await Promise.all(others.slice(-2).map((item) => complete(item.id, hr)));
    expect(
      raced
        .map((result) => result.data?.completeChecklistItem.userErrors[0]?.code ?? 'DONE')
        .sort(),
    ).toEqual(['CHECKLIST_BLOCKED', 'DONE']);
    const [open] = await sql<{ blocking: number; other: number }>(
      `SELECT count(*) FILTER (WHERE blocking)::int AS blocking, count(*) FILTER (WHERE NOT blocking)::int AS other
         FROM checklist_item WHERE checklist_id = ? AND done_at IS NULL`,
      [numericId(checklist.id)],
    );
    expect(open).toEqual({ blocking: 1, other: 1 });
  });

  it('lists overdue blocking onboarding items for HR', async () => {
    clock.set('2031-03-10T09:00:00Z');
    const late = await hire({ hireDate: '2031-03-02' });
    const onTime = await hire({ hireDate: '2031-04-14' });
    const overdue = async () => {
      const result = await server.request(
        OverdueChecklistItemsDocument,
        { kind: 'ONBOARDING' },
        hr,
      );
      return (result.data?.overdueChecklistItems ?? []).filter((item) =>
        [late.email, onTime.email].includes(item.checklist.employee.email),
      );
    };
    const listed = await overdue();
    expect(listed.map((item) => [item.title, item.dueDate, item.blocking])).toEqual([
      ['Prepare the employment contract and personnel file', '2031-02-23', true],
      ['Sign the employment contract and the code of conduct', '2031-03-02', true],
    ]);
    expect(listed.every((item) => item.checklist.employee.email === late.email)).toBe(true);
    const all = await server.request(
      OverdueChecklistItemsDocument,
      { kind: 'ONBOARDING', blockingOnly: false },
      hr,
    );
    expect(
      all.data?.overdueChecklistItems.filter((i) => i.checklist.employee.email === late.email),
    ).toHaveLength(5);
    await complete(listed[0].id, hr);
    expect((await overdue()).map((item) => item.title)).toEqual([
      'Sign the employment contract and the code of conduct',
    ]);
    const byAgent = await server.request(OverdueChecklistItemsDocument, {}, agent);
    expect(errorCode(byAgent)).toBe('FORBIDDEN');
  });

  it('seeds the demo: every demo employee onboarded except the agent, whose blocking item waits', async () => {
    const result = await server.request(ChecklistsDocument, { filter: { kind: 'ONBOARDING' } }, hr);
    const demo = (result.data?.checklists ?? []).filter(
      (c) => c.employee.email.endsWith('@example.com') && !c.employee.email.startsWith('joiner-'),
    );
    expect(demo).toHaveLength(DEMO_EMPLOYEES.length);
    const agentChecklist = demo.find((c) => c.employee.email === 'agent@example.com');
    expect(agentChecklist?.complete).toBe(false);
    expect(agentChecklist?.items.filter((i) => !i.done).map((i) => i.blocking)).toEqual([
      true,
      false,
      false,
    ]);
    expect(demo.filter((c) => c.complete)).toHaveLength(DEMO_EMPLOYEES.length - 1);
  });
});
