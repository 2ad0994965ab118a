/**
 * Equipment at scale, through the real server over HTTP: BENCH_ASSETS (1,000) assets recorded one
 * at a time; then BENCH_ASSETS check-outs to an employee followed by their check-ins, by 8
 * clients at once on distinct assets, beside the same number of `adjustStock` calls spread over
 * 100 products (the simplest locked write) for comparison; rounds of 8 clients racing to check out one asset
 * (exactly one wins each round); the maintenance scheduler over a plan for every laptop, twice
 * (the first run opens a work order per laptop, the second nothing); and the reads an IT desk
 * runs: a page of 100 assets with their holders, `warrantiesExpiring` and `assetsDueForAudit`
 * over every asset.
 *
 *   npm run bench:assets
 *
 * A fresh database (`backdesk_bench_assets`, on DATABASE_URL or the embedded bench PostgreSQL)
 * with the demo seed. Fails loudly (exit 1) on any error, when a race is won other than once, or
 * when an asset is left with more than one open assignment. Writes bench/results/assets.json.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import {
  adminDatabase,
  graphqlRequest,
  login,
  machine,
  recreateDatabase,
  requestOrFail,
  runConcurrently,
  runScript,
  startBackdeskProcess,
  writeResult,
} from './lib';

const ASSETS = Number(process.env.BENCH_ASSETS ?? 1000);
const CLIENTS = Number(process.env.BENCH_ASSETS_CLIENTS ?? 8);
const RACES = 100;
const READS = 200;

const CREATE_ASSET = `mutation ($input: CreateAssetInput!) {
  createAsset(input: $input) { asset { id } userErrors { code message } } }`;
const CHECK_OUT = `mutation ($input: CheckOutAssetsInput!) {
  checkOutAssets(input: $input) { assignment { id } userErrors { code message } } }`;
const CHECK_IN = `mutation ($input: CheckInAssetInput!) {
  checkInAsset(input: $input) { asset { id status } userErrors { code message } } }`;
const CREATE_PRODUCT = `mutation ($input: CreateProductInput!) {
  createProduct(input: $input) { product { id } userErrors { code message } } }`;
const ADJUST_STOCK = `mutation ($input: AdjustStockInput!) {
  adjustStock(input: $input) { product { id } userErrors { code message } } }`;
const CREATE_PLAN = `mutation ($input: CreateMaintenancePlanInput!) {
  createMaintenancePlan(input: $input) { maintenancePlan { id } userErrors { code message } } }`;
const RUN_SCHEDULER = `mutation ($input: RunMaintenanceSchedulerInput!) {
  runMaintenanceScheduler(input: $input) { workOrders { id } notedWorkOrders { id } userErrors { code message } } }`;
const ASSET_PAGE = `{ assets(first: 100) { totalCount nodes { id tag status assignee { name } cost { amount } auditDueOn } } }`;
const WARRANTIES = `{ warrantiesExpiring(withinDays: 3660) { id tag warrantyEnd } }`;
const DUE_FOR_AUDIT = `{ assetsDueForAudit(withinDays: 3660) { id tag auditDueOn } }`;

type Payload<K extends string, V> = Record<K, V & { userErrors: { code: string }[] }>;

async function main(): Promise<void> {
  const admin = await adminDatabase();
  const databaseUrl = await recreateDatabase(admin.url, 'backdesk_bench_assets');
  const server = await startBackdeskProcess(databaseUrl, {
    DEMO_SEED: 'true',
    RUN_WORKERS: 'false',
  });
  const sql = new Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    const url = server.graphqlUrl;
    const it = await login(url, 'it@example.com');
    const warehouse = await login(url, 'warehouse@example.com');
    const ask = <T>(token: string, query: string, variables: Record<string, unknown> = {}) =>
      requestOrFail<T>(url, token, query, variables);
    const {
      rows: [agent],
    } = await sql.query<{ id: string }>(
      "SELECT id FROM employee WHERE email = 'agent@example.com'",
    );
    const agentId = Buffer.from(`Employee:${agent.id}`).toString('base64url');

    const assetIds: string[] = [];
    const create = await runConcurrently(ASSETS, 1, async (n) => {
      const { createAsset } = await ask<Payload<'createAsset', { asset: { id: string } }>>(
        it,
        CREATE_ASSET,
        {
          input: {
            tag: `BENCH-${n}`,
            type: 'LAPTOP',
            model: 'Bench Book',
            serialNumber: `SN-${n}`,
            cost: '999.00',
            purchaseDate: '2026-01-15',
            warrantyEnd: `2027-${String((n % 12) + 1).padStart(2, '0')}-15`,
          },
        },
      );
      assetIds[n] = createAsset.asset.id;
    });

    const checkOut = await runConcurrently(ASSETS, CLIENTS, async (n) => {
      const { checkOutAssets } = await ask<Payload<'checkOutAssets', { assignment: unknown }>>(
        it,
        CHECK_OUT,
        { input: { assetIds: [assetIds[n]], employeeId: agentId } },
      );
      if (!checkOutAssets.assignment) throw new Error(`check-out ${n} refused`);
    });
    const checkIn = await runConcurrently(ASSETS, CLIENTS, async (n) => {
      const { checkInAsset } = await ask<Payload<'checkInAsset', { asset: { status: string } }>>(
        it,
        CHECK_IN,
        { input: { assetId: assetIds[n], condition: 'GOOD', dataWiped: true } },
      );
      if (checkInAsset.asset.status !== 'IN_STOCK') throw new Error(`check-in ${n} refused`);
    });

    // adjustStock spread over as many rows as the check-outs' assets are, at most 100 products.
    const productIds: string[] = [];
    for (let n = 0; n < Math.min(ASSETS, 100); n += 1) {
      const { createProduct } = await ask<Payload<'createProduct', { product: { id: string } }>>(
        warehouse,
        CREATE_PRODUCT,
        { input: { sku: `BENCH-ASSET-STOCK-${n}`, name: `Bench stock ${n}`, price: '1.00' } },
      );
      productIds.push(createProduct.product.id);
    }
    const adjust = await runConcurrently(ASSETS, CLIENTS, (n) =>
      ask(warehouse, ADJUST_STOCK, {
        input: {
          productId: productIds[n % productIds.length],
          quantityDelta: 1,
          reason: 'Bench count',
        },
      }).then(() => undefined),
    );

    // Rounds of CLIENTS racing for one asset: exactly one check-out wins each round.
    let raceMs = 0;
    for (let round = 0; round < RACES; round += 1) {
      const contested = assetIds[round];
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: CLIENTS }, () =>
          graphqlRequest<Payload<'checkOutAssets', { assignment: unknown }>>(
            url,
            CHECK_OUT,
            { input: { assetIds: [contested], employeeId: agentId } },
            it,
          ),
        ),
      );
      raceMs += performance.now() - started;
      const payloads = results.map((result) => result.data?.checkOutAssets);
      const won = payloads.filter((payload) => payload?.assignment).length;
      const refused = payloads.filter(
        (payload) => payload?.userErrors[0]?.code === 'ASSET_UNAVAILABLE',
      ).length;
      if (won !== 1 || refused !== CLIENTS - 1)
        throw new Error(`race ${round}: ${won} won, ${refused} refused`);
    }
    const { rows: doubled } = await sql.query(
      `SELECT asset_id FROM asset_assignment_line WHERE checked_in_at IS NULL
        GROUP BY asset_id HAVING count(*) > 1`,
    );
    if (doubled.length > 0) throw new Error(`${doubled.length} assets with two open assignments`);

    // A monthly check of every laptop, due today: the first run opens a work order per laptop
    // (and queues IT support's mail), the second finds nothing to do.
    await ask(it, CREATE_PLAN, {
      input: {
        name: 'Bench laptop check',
        assetType: 'LAPTOP',
        intervalDays: 30,
        instructions: 'Update and inspect.',
      },
    });
    type SchedulerRun = Payload<
      'runMaintenanceScheduler',
      { workOrders: unknown[]; notedWorkOrders: unknown[] }
    >;
    const schedule = async () => {
      const started = performance.now();
      const { runMaintenanceScheduler } = await ask<SchedulerRun>(it, RUN_SCHEDULER, { input: {} });
      return { ms: Math.round(performance.now() - started), run: runMaintenanceScheduler };
    };
    const firstSchedule = await schedule();
    const secondSchedule = await schedule();
    if (firstSchedule.run.workOrders.length < ASSETS || secondSchedule.run.workOrders.length !== 0)
      throw new Error(
        `the scheduler opened ${firstSchedule.run.workOrders.length}, then ${secondSchedule.run.workOrders.length}`,
      );

    const read = (query: string) =>
      runConcurrently(READS, CLIENTS, () => ask(it, query).then(() => undefined));
    const assetPage = await read(ASSET_PAGE);
    const warranties = await read(WARRANTIES);
    const dueForAudit = await read(DUE_FOR_AUDIT);

    const figures = {
      assets: ASSETS,
      clients: CLIENTS,
      createAssetPerSecond: create.perSecond,
      checkOutPerSecond: checkOut.perSecond,
      checkOutP50Ms: checkOut.p50Ms,
      checkOutP99Ms: checkOut.p99Ms,
      checkInPerSecond: checkIn.perSecond,
      checkInP50Ms: checkIn.p50Ms,
      adjustStockPerSecond: adjust.perSecond,
      checkOutToAdjustStock: Number((checkOut.perSecond / adjust.perSecond).toFixed(2)),
      raceRoundMeanMs: Math.round(raceMs / RACES),
      assetPageP50Ms: assetPage.p50Ms,
      assetPagePerSecond: assetPage.perSecond,
      warrantiesExpiringP50Ms: warranties.p50Ms,
      assetsDueForAuditP50Ms: dueForAudit.p50Ms,
      schedulerWorkOrdersOpened: firstSchedule.run.workOrders.length,
      schedulerFirstRunMs: firstSchedule.ms,
      schedulerSecondRunMs: secondSchedule.ms,
    };
    const file = writeResult('assets', { machine: await machine(databaseUrl), figures });
    console.log(JSON.stringify(figures, null, 2));
    console.log(`written to ${file}`);
  } finally {
    await sql.end();
    await server.stop();
  }
}

runScript(main);
