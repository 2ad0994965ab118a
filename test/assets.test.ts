import {
  AcceptAssetsDocument,
  AssetDetailDocument,
  AssetsDocument,
  AssetsDueForAuditDocument,
  CheckInAssetDocument,
  CheckOutAssetsDocument,
  CompleteChecklistItemDocument,
  CreateAssetDocument,
  CreateServiceContractDocument,
  CreatePurchaseOrderDocument,
  CreateVendorDocument,
  CustodyTermsDocument,
  EmployeeAssetsDocument,
  HireEmployeeDocument,
  MarkAssetFoundDocument,
  MyAssetsDocument,
  OffboardingChecklistDocument,
  RecordAssetAuditDocument,
  RecordBillDocument,
  RecordPurchaseBillDocument,
  ReceiveGoodsDocument,
  ReportAssetLostDocument,
  RetireAssetDocument,
  ServiceContractsDocument,
  SetCustodyTermsDocument,
  SetServiceContractAssetsDocument,
  TerminateEmployeeDocument,
  UpdateAssetDocument,
  WarrantiesExpiringDocument,
  type CreateAssetMutationVariables,
} from './generated/graphql';
import { decodeGlobalId, toGlobalId } from '../src/graphql/global-id';
import { createProduct, uniqueSuffix } from './support/fixtures';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let admin: string;
let itStaff: string;
let hr: string;
let agent: string;
let accountant: string;
let reports: string;

beforeAll(async () => {
  server = await startTestServer();
  [admin, itStaff, hr, agent, accountant, reports] = await Promise.all(
    [
      'admin@example.com',
      'it@example.com',
      'hr@example.com',
      'agent@example.com',
      'accountant@example.com',
      'reports@example.com',
    ].map((email) => server.login(email)),
  );
});

afterAll(async () => {
  await server?.close();
});

const sql = <T extends object>(text: string, params: unknown[] = []) =>
  server.backdesk.database.orm.em.fork().execute<T[]>(text, params);

const rawId = (globalId: string) => Number(decodeGlobalId(globalId)?.key);

/** The refusal of a mutation: its first user error's code, or the GraphQL error's. */
function errorCode(result: {
  data?: object | null;
  errors?: readonly { extensions?: Record<string, unknown> }[];
}): unknown {
  const payload = Object.values(result.data ?? {})[0] as
    { userErrors?: { code: string }[] } | undefined;
  return payload?.userErrors?.[0]?.code ?? result.errors?.[0]?.extensions?.code;
}

const todayUtc = () => new Date().toISOString().slice(0, 10);
const daysFromToday = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

async function asset(input: Partial<CreateAssetMutationVariables['input']> = {}) {
  const result = await server.request(
    CreateAssetDocument,
    {
      input: { tag: `LT-${uniqueSuffix()}`, type: 'LAPTOP', model: 'ThinkPad T14', ...input },
    },
    itStaff,
  );
  const created = result.data?.createAsset.asset;
  if (!created) throw new Error(JSON.stringify(result));
  return created;
}

async function employeeIdOf(email: string): Promise<string> {
  const [row] = await sql<{ id: string }>('SELECT id FROM employee WHERE email = ?', [email]);
  return toGlobalId('Employee', row.id);
}

async function hire(): Promise<{ id: string; email: string; token: string }> {
  const email = `holder-${uniqueSuffix()}@example.com`;
  const result = await server.request(
    HireEmployeeDocument,
    {
      input: {
        name: 'Holly Holder',
        email,
        title: 'Analyst',
        hireDate: '2026-01-05',
        roles: [],
        password: 'holder-password',
      },
    },
    hr,
  );
  const id = result.data?.hireEmployee.employee?.id;
  if (!id) throw new Error(JSON.stringify(result));
  return { id, email, token: await server.login(email, 'holder-password') };
}

describe('custody', () => {
  it('checks out three assets, takes one acceptance with the terms seen, and checks in with a wipe attestation; history and events are complete', async () => {
    const holder = await hire();
    const laptop = await asset();
    const phone = await asset({ type: 'PHONE', model: 'Pixel 9', tag: `PH-${uniqueSuffix()}` });
    const monitor = await asset({
      type: 'MONITOR',
      model: 'Dell U2723',
      tag: `MO-${uniqueSuffix()}`,
    });
    expect([laptop.dataBearing, phone.dataBearing, monitor.dataBearing]).toEqual([
      true,
      true,
      false,
    ]);

    const out = await server.request(
      CheckOutAssetsDocument,
      {
        input: {
          assetIds: [laptop.id, phone.id, monitor.id],
          employeeId: holder.id,
          expectedReturn: '2099-12-31',
          note: 'New starter kit',
        },
      },
      itStaff,
    );
    const assignment = out.data?.checkOutAssets.assignment;
    expect(out.data?.checkOutAssets.userErrors).toEqual([]);
    expect(assignment?.lines.map((line) => line.asset.status)).toEqual([
      'ASSIGNED',
      'ASSIGNED',
      'ASSIGNED',
    ]);
    expect(assignment?.acceptedAt).toBeNull();

    // The employee sees what waits for them, and the terms they accept.
    const mine = await server.request(MyAssetsDocument, { pendingOnly: true }, holder.token);
    expect(mine.data?.myAssets.map((a) => a.tag).sort()).toEqual(
      [laptop.tag, phone.tag, monitor.tag].sort(),
    );
    expect(mine.data?.myAssetAssignments.map((a) => a.id)).toEqual([assignment?.id]);
    const terms = (await server.request(CustodyTermsDocument, {}, holder.token)).data?.custodyTerms;
    expect(assignment?.terms?.sha256).toBe(terms?.sha256);

    // Nobody else accepts for them; a stale text is refused; then one acceptance for the batch.
    const byOther = await server.request(
      AcceptAssetsDocument,
      { input: { assignmentId: assignment!.id } },
      agent,
    );
    expect(errorCode(byOther)).toBe('NOT_FOUND');
    const stale = await server.request(
      AcceptAssetsDocument,
      { input: { assignmentId: assignment!.id, termsSha256: '0'.repeat(64) } },
      holder.token,
    );
    expect(errorCode(stale)).toBe('INVALID_INPUT');
    const accepted = await server.request(
      AcceptAssetsDocument,
      { input: { assignmentId: assignment!.id, termsSha256: terms!.sha256 } },
      holder.token,
    );
    expect(accepted.data?.acceptAssets.assignment?.acceptedTermsSha256).toBe(terms?.sha256);
    const again = await server.request(
      AcceptAssetsDocument,
      { input: { assignmentId: assignment!.id } },
      holder.token,
    );
    expect(errorCode(again)).toBe('INVALID_TRANSITION');

    // A data-bearing asset comes back only with the wipe attestation.
    const unwiped = await server.request(
      CheckInAssetDocument,
      { input: { assetId: laptop.id, condition: 'GOOD' } },
      itStaff,
    );
    expect(errorCode(unwiped)).toBe('INVALID_INPUT');
    expect(unwiped.data?.checkInAsset.userErrors[0].field).toEqual(['input', 'dataWiped']);
    const back = await server.request(
      CheckInAssetDocument,
      {
        input: {
          assetId: laptop.id,
          condition: 'WORN',
          dataWiped: true,
          wipeMethod: 'NIST 800-88 purge',
          location: 'IT store room',
        },
      },
      itStaff,
    );
    expect(back.data?.checkInAsset.asset).toMatchObject({
      status: 'IN_STOCK',
      assignee: null,
      location: 'IT store room',
    });
    const monitorBack = await server.request(
      CheckInAssetDocument,
      { input: { assetId: monitor.id, condition: 'GOOD' } },
      itStaff,
    );
    expect(monitorBack.data?.checkInAsset.asset?.status).toBe('IN_STOCK');
    const twice = await server.request(
      CheckInAssetDocument,
      { input: { assetId: monitor.id, condition: 'GOOD' } },
      itStaff,
    );
    expect(errorCode(twice)).toBe('ASSET_UNAVAILABLE');

    const detail = (await server.request(AssetDetailDocument, { id: laptop.id }, reports)).data
      ?.asset;
    expect(detail?.history.map((entry) => entry.type)).toEqual([
      'CREATED',
      'CHECKED_OUT',
      'ACCEPTED',
      'CHECKED_IN',
    ]);
    expect(detail?.history.at(-1)?.data).toMatchObject({
      condition: 'WORN',
      dataWiped: true,
      wipeMethod: 'NIST 800-88 purge',
    });
    expect(detail?.custody).toMatchObject([
      { condition: 'WORN', dataWiped: true, assignment: { id: assignment!.id } },
    ]);
    // The batch stays open while the phone is out, and its events are in the log.
    const events = await sql<{ type: string }>(
      "SELECT type FROM event WHERE stream_type = 'AssetAssignment' AND stream_id = ? ORDER BY seq",
      [String(rawId(assignment!.id))],
    );
    expect(events.map((event) => event.type)).toEqual(['CHECKED_OUT', 'ACCEPTED']);
    const [open] = await sql<{ closed_at: Date | null }>(
      'SELECT closed_at FROM asset_assignment WHERE id = ?',
      [rawId(assignment!.id)],
    );
    expect(open.closed_at).toBeNull();
    await server.request(
      CheckInAssetDocument,
      { input: { assetId: phone.id, condition: 'GOOD', dataWiped: true } },
      itStaff,
    );
    const [closed] = await sql<{ closed_at: Date | null }>(
      'SELECT closed_at FROM asset_assignment WHERE id = ?',
      [rawId(assignment!.id)],
    );
    expect(closed.closed_at).not.toBeNull();
  });

  it('lets exactly one of 20 concurrent check-outs of one asset succeed', async () => {
    const contested = await asset();
    const agentId = await employeeIdOf('agent@example.com');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        server.request(
          CheckOutAssetsDocument,
          {
            input:
              index % 2 === 0
                ? { assetIds: [contested.id], employeeId: agentId }
                : { assetIds: [contested.id], location: `Desk ${index}` },
          },
          itStaff,
        ),
      ),
    );
    const succeeded = results.filter((result) => result.data?.checkOutAssets.assignment);
    expect(succeeded).toHaveLength(1);
    expect(
      results
        .filter((result) => !result.data?.checkOutAssets.assignment)
        .map((result) => errorCode(result)),
    ).toEqual(Array(19).fill('ASSET_UNAVAILABLE'));
    const [row] = await sql<{ open: string; status: string; assignment_id: string }>(
      `SELECT (SELECT count(*) FROM asset_assignment_line WHERE asset_id = a.id AND checked_in_at IS NULL) AS open,
              a.status, a.assignment_id
         FROM asset a WHERE a.id = ?`,
      [rawId(contested.id)],
    );
    expect(row).toMatchObject({ open: '1', status: 'ASSIGNED' });
    expect(Number(row.assignment_id)).toBe(rawId(succeeded[0].data!.checkOutAssets.assignment!.id));
  });

  it('never checks out what is retired, lost, or to someone who left, and refuses bad input', async () => {
    const retired = await asset();
    const retiring = await server.request(
      RetireAssetDocument,
      { input: { assetId: retired.id, reason: 'Screen cracked beyond repair' } },
      itStaff,
    );
    expect(retiring.data?.retireAsset.asset?.status).toBe('RETIRED');
    const lost = await asset();
    await server.request(
      ReportAssetLostDocument,
      { input: { assetId: lost.id, reason: 'Left on a train' } },
      itStaff,
    );
    const agentId = await employeeIdOf('agent@example.com');
    for (const unavailable of [retired, lost]) {
      const refused = await server.request(
        CheckOutAssetsDocument,
        { input: { assetIds: [unavailable.id], employeeId: agentId } },
        itStaff,
      );
      expect(errorCode(refused)).toBe('ASSET_UNAVAILABLE');
    }
    const found = await server.request(
      MarkAssetFoundDocument,
      { input: { assetId: lost.id, location: 'Lost property' } },
      itStaff,
    );
    expect(found.data?.markAssetFound.asset).toMatchObject({ status: 'IN_STOCK' });
    const retiredAgain = await server.request(
      RetireAssetDocument,
      { input: { assetId: retired.id, reason: 'twice' } },
      itStaff,
    );
    expect(errorCode(retiredAgain)).toBe('ASSET_UNAVAILABLE');

    const both = await server.request(
      CheckOutAssetsDocument,
      { input: { assetIds: [lost.id], employeeId: agentId, location: 'Desk 1' } },
      itStaff,
    );
    expect(errorCode(both)).toBe('INVALID_INPUT');
    const taken = await server.request(
      CreateAssetDocument,
      { input: { tag: lost.tag, type: 'OTHER', model: 'Anything' } },
      itStaff,
    );
    expect(errorCode(taken)).toBe('TAG_TAKEN');
    const leaver = await hire();
    await server.request(
      TerminateEmployeeDocument,
      { input: { employeeId: leaver.id, date: '2026-11-30', reason: 'Moved away' } },
      hr,
    );
    const toLeaver = await server.request(
      CheckOutAssetsDocument,
      { input: { assetIds: [lost.id], employeeId: leaver.id } },
      itStaff,
    );
    expect(errorCode(toLeaver)).toBe('INVALID_INPUT');
    const byAgent = await server.request(
      CheckOutAssetsDocument,
      { input: { assetIds: [lost.id], location: 'Desk 1' } },
      agent,
    );
    expect(byAgent.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const [{ open }] = await sql<{ open: string }>(
      'SELECT count(*) AS open FROM asset_assignment_line WHERE asset_id = ? AND checked_in_at IS NULL',
      [rawId(lost.id)],
    );
    expect(open).toBe('0');

    const stale = await server.request(
      UpdateAssetDocument,
      { input: { assetId: lost.id, expectedVersion: 1, location: 'Shelf 3' } },
      itStaff,
    );
    expect(errorCode(stale)).toBe('STALE_ASSET');
    const current = await server.request(
      UpdateAssetDocument,
      {
        input: {
          assetId: lost.id,
          expectedVersion: found.data!.markAssetFound.asset!.version,
          location: 'Shelf 3',
        },
      },
      itStaff,
    );
    expect(current.data?.updateAsset.asset?.location).toBe('Shelf 3');
  });

  it('keeps offboarding open until a leaver returns what they hold', async () => {
    const leaver = await hire();
    const laptop = await asset();
    const badge = await asset({ type: 'OTHER', model: 'Door badge', tag: `BD-${uniqueSuffix()}` });
    await server.request(
      CheckOutAssetsDocument,
      { input: { assetIds: [laptop.id, badge.id], employeeId: leaver.id } },
      itStaff,
    );
    const holding = await server.request(EmployeeAssetsDocument, { id: leaver.id }, hr);
    expect(holding.data?.employee?.assets?.map((a) => a.id).sort()).toEqual(
      [laptop.id, badge.id].sort(),
    );
    await server.request(
      TerminateEmployeeDocument,
      { input: { employeeId: leaver.id, date: '2026-12-31', reason: 'Resigned' } },
      hr,
    );
    const checklist = async () =>
      (
        await server.request(
          OffboardingChecklistDocument,
          { filter: { employeeId: leaver.id, kind: 'OFFBOARDING' } },
          itStaff,
        )
      ).data!.checklists[0];
    const listed = await checklist();
    const assetItems = listed.items.filter((item) => item.asset);
    expect(assetItems.map((item) => [item.asset?.tag, item.blocking, item.assigneeRole])).toEqual(
      [laptop.tag, badge.tag].sort().map((tag) => [tag, true, 'IT_SUPPORT']),
    );
    expect(assetItems.map((item) => item.title)).toContain(`Return ${laptop.tag} (ThinkPad T14)`);

    // Nobody ticks an asset item by hand; everything else done still leaves the checklist open.
    const byHand = await server.request(
      CompleteChecklistItemDocument,
      { input: { itemId: assetItems[0].id } },
      hr,
    );
    expect(errorCode(byHand)).toBe('ASSETS_OUTSTANDING');
    for (const item of listed.items.filter((candidate) => !candidate.asset)) {
      const done = await server.request(
        CompleteChecklistItemDocument,
        { input: { itemId: item.id } },
        item.assigneeRole === 'IT_SUPPORT' ? itStaff : hr,
      );
      // The last non-blocking item waits for the blocking ones.
      if (done.data?.completeChecklistItem.userErrors.length)
        expect(errorCode(done)).toBe('CHECKLIST_BLOCKED');
    }
    expect((await checklist()).complete).toBe(false);

    await server.request(
      CheckInAssetDocument,
      { input: { assetId: laptop.id, condition: 'GOOD', dataWiped: true } },
      itStaff,
    );
    expect((await checklist()).complete).toBe(false);
    await server.request(
      ReportAssetLostDocument,
      { input: { assetId: badge.id, reason: 'Not returned; deactivated' } },
      itStaff,
    );
    const afterReturns = await checklist();
    expect(afterReturns.items.filter((item) => item.asset).every((item) => item.done)).toBe(true);
    const remaining = afterReturns.items.filter((item) => !item.done);
    for (const item of remaining)
      await server.request(CompleteChecklistItemDocument, { input: { itemId: item.id } }, hr);
    expect((await checklist()).complete).toBe(true);
  });
});

describe('the register', () => {
  it('takes purchase date and cost from the bill it was bought on', async () => {
    const vendor = await server.request(
      CreateVendorDocument,
      { input: { name: `Laptops ${uniqueSuffix()}` } },
      accountant,
    );
    const [account] = await sql<{ id: string }>("SELECT id FROM account WHERE code = '6100'");
    const bill = await server.request(
      RecordBillDocument,
      {
        input: {
          vendorId: vendor.data!.createVendor.vendor!.id,
          expenseAccountId: toGlobalId('Account', account.id),
          amount: '1499.00',
          billDate: '2026-11-02',
          memo: 'Workstation',
        },
      },
      accountant,
    );
    const billId = bill.data!.recordBill.bill!.id;
    const wrongCost = await server.request(
      CreateAssetDocument,
      {
        input: {
          tag: `WS-${uniqueSuffix()}`,
          type: 'DESKTOP',
          model: 'Z2',
          billId,
          cost: '999.00',
        },
      },
      itStaff,
    );
    expect(errorCode(wrongCost)).toBe('INVALID_INPUT');
    const bought = await asset({
      type: 'DESKTOP',
      model: 'HP Z2',
      tag: `WS-${uniqueSuffix()}`,
      billId,
      warrantyMonths: 36,
    });
    expect(bought).toMatchObject({
      purchaseDate: '2026-11-02',
      cost: { amount: '1499.00' },
      warrantyEnd: '2029-11-02',
    });
    const detail = await server.request(AssetDetailDocument, { id: bought.id }, accountant);
    expect(detail.data?.asset?.bill?.id).toBe(billId);
    const second = await server.request(
      CreateAssetDocument,
      { input: { tag: `WS-${uniqueSuffix()}`, type: 'DESKTOP', model: 'HP Z2', billId } },
      itStaff,
    );
    expect(errorCode(second)).toBe('INVALID_INPUT');
    // Who may not read bills sees the asset without them.
    const asIt = await server.request(AssetDetailDocument, { id: bought.id }, itStaff);
    expect(asIt.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('takes each unit of a purchase order bill line as one asset at the billed unit cost', async () => {
    const vendor = await server.request(
      CreateVendorDocument,
      { input: { name: `Screens ${uniqueSuffix()}` } },
      accountant,
    );
    const vendorId = vendor.data!.createVendor.vendor!.id;
    const warehouse = await server.login('warehouse@example.com');
    const productId = await createProduct(server, admin, { cost: '180.00', stock: 0 });
    const order = await server.request(
      CreatePurchaseOrderDocument,
      { input: { vendorId, lines: [{ productId, quantity: 2, unitCost: '180.00' }] } },
      warehouse,
    );
    const purchaseOrderId = order.data!.createPurchaseOrder.purchaseOrder!.id;
    await server.request(
      ReceiveGoodsDocument,
      { input: { purchaseOrderId, lines: [{ productId, quantity: 2 }] } },
      warehouse,
    );
    const billed = await server.request(
      RecordPurchaseBillDocument,
      {
        input: {
          purchaseOrderId,
          lines: [{ productId, quantity: 2, unitCost: '182.50' }],
          billDate: '2026-11-20',
        },
      },
      accountant,
    );
    const billId = billed.data!.recordBill.bill!.id;
    const screen = () =>
      server.request(
        CreateAssetDocument,
        {
          input: {
            tag: `MO-${uniqueSuffix()}`,
            type: 'MONITOR',
            model: 'LG 27UP850',
            billId,
            productId,
            warrantyMonths: 24,
          },
        },
        itStaff,
      );
    const [first, second] = [await screen(), await screen()];
    for (const made of [first, second])
      expect(made.data?.createAsset.asset).toMatchObject({
        purchaseDate: '2026-11-20',
        cost: { amount: '182.50' },
        warrantyEnd: '2028-11-20',
      });
    expect(errorCode(await screen())).toBe('INVALID_INPUT');
    const otherProduct = await createProduct(server, admin, { stock: 0 });
    const wrongLine = await server.request(
      CreateAssetDocument,
      {
        input: {
          tag: `MO-${uniqueSuffix()}`,
          type: 'MONITOR',
          model: 'X',
          billId,
          productId: otherProduct,
        },
      },
      itStaff,
    );
    expect(errorCode(wrongLine)).toBe('INVALID_INPUT');
  });

  it('lists warranties expiring and assets due for audit, and an audit records who saw it where', async () => {
    const soon = await asset({ warrantyEnd: daysFromToday(10) });
    const later = await asset({ warrantyEnd: daysFromToday(40) });
    const expiring = async (days: number) =>
      (
        await server.request(WarrantiesExpiringDocument, { withinDays: days }, reports)
      ).data?.warrantiesExpiring.map((a) => a.id) ?? [];
    expect(await expiring(30)).toContain(soon.id);
    expect(await expiring(30)).not.toContain(later.id);
    expect(await expiring(5)).not.toContain(soon.id);

    const daily = await asset({ auditIntervalDays: 1, location: 'Floor 2' });
    expect(daily.auditDueOn).toBe(daysFromToday(1));
    const due = async (days: number) =>
      (
        await server.request(AssetsDueForAuditDocument, { withinDays: days }, itStaff)
      ).data?.assetsDueForAudit.map((a) => a.id) ?? [];
    expect(await due(0)).not.toContain(daily.id);
    expect(await due(1)).toContain(daily.id);
    const audit = await server.request(
      RecordAssetAuditDocument,
      { input: { assetId: daily.id, location: 'Floor 3, desk 12', condition: 'GOOD' } },
      itStaff,
    );
    expect(audit.data?.recordAssetAudit.audit).toMatchObject({
      location: 'Floor 3, desk 12',
      condition: 'GOOD',
      auditedBy: { email: 'it@example.com' },
    });
    expect(audit.data?.recordAssetAudit.asset).toMatchObject({
      location: 'Floor 3, desk 12',
      auditDueOn: daysFromToday(1),
    });
    expect(audit.data?.recordAssetAudit.asset?.lastAuditedAt).not.toBeNull();
    const found = await server.request(
      AssetsDocument,
      { filter: { search: 'desk 12', status: ['IN_STOCK'] } },
      itStaff,
    );
    expect(found.data?.assets.nodes.map((a) => a.id)).toContain(daily.id);
    const badDays = await server.request(WarrantiesExpiringDocument, { withinDays: -1 }, itStaff);
    expect(badDays.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps service contracts over several assets, and new custody terms for later check-outs', async () => {
    const vendor = await server.request(
      CreateVendorDocument,
      { input: { name: `Repairs ${uniqueSuffix()}` } },
      accountant,
    );
    const vendorId = vendor.data!.createVendor.vendor!.id;
    const first = await asset();
    const second = await asset();
    const contract = await server.request(
      CreateServiceContractDocument,
      {
        input: {
          name: 'Next-business-day repair',
          vendorId,
          reference: 'NBD-2026-17',
          startsOn: daysFromToday(-30),
          endsOn: daysFromToday(335),
          cost: '480.00',
          assetIds: [first.id, second.id],
        },
      },
      itStaff,
    );
    const made = contract.data?.createServiceContract.serviceContract;
    expect(made).toMatchObject({ active: true, cost: { amount: '480.00' } });
    expect(made?.assets.map((a) => a.id).sort()).toEqual([first.id, second.id].sort());
    const covered = await server.request(AssetDetailDocument, { id: first.id }, itStaff);
    expect(covered.data?.asset?.contracts.map((c) => c.id)).toEqual([made?.id]);
    expect(covered.data?.asset?.history.map((h) => h.type)).toContain('CONTRACT_ADDED');
    const narrowed = await server.request(
      SetServiceContractAssetsDocument,
      { input: { serviceContractId: made!.id, assetIds: [second.id] } },
      itStaff,
    );
    expect(
      narrowed.data?.setServiceContractAssets.serviceContract?.assets.map((a) => a.id),
    ).toEqual([second.id]);
    const active = await server.request(
      ServiceContractsDocument,
      { vendorId, activeOn: todayUtc() },
      reports,
    );
    expect(active.data?.serviceContracts.map((c) => c.id)).toEqual([made?.id]);
    const backwards = await server.request(
      CreateServiceContractDocument,
      {
        input: {
          name: 'Backwards',
          vendorId,
          startsOn: '2026-12-31',
          endsOn: '2026-01-01',
          cost: '1.00',
          assetIds: [],
        },
      },
      itStaff,
    );
    expect(errorCode(backwards)).toBe('INVALID_INPUT');
    const unnamed = await server.request(
      CreateServiceContractDocument,
      {
        input: {
          vendorId,
          startsOn: '2027-01-01',
          endsOn: '2027-12-31',
          cost: '99.00',
          assetIds: [],
        },
      },
      itStaff,
    );
    expect(unnamed.data?.createServiceContract.serviceContract?.name).toBe(
      `${vendor.data!.createVendor.vendor!.name}, 2027-01-01 to 2027-12-31`,
    );

    const before = (await server.request(CustodyTermsDocument, {}, agent)).data?.custodyTerms;
    const terms = await server.request(
      SetCustodyTermsDocument,
      { input: { text: `${before?.text} Revised ${uniqueSuffix()}.` } },
      admin,
    );
    const newTerms = terms.data?.setCustodyTerms.terms;
    expect(newTerms?.version).toBe((before?.version ?? 0) + 1);
    const holder = await hire();
    const out = await server.request(
      CheckOutAssetsDocument,
      { input: { assetIds: [first.id], employeeId: holder.id } },
      itStaff,
    );
    expect(out.data?.checkOutAssets.assignment?.terms).toEqual({
      version: newTerms?.version,
      sha256: newTerms?.sha256,
    });
  });
});
