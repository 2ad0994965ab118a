import type { MikroORM } from '@mikro-orm/postgresql';
import { addDays, today } from '../common/calendar-dates';
import type { Viewer } from '../common/viewer';
import { StandardAccount } from '../ledger/ledger.service';
import type { DomainServices } from '../services';
import { Asset, AssetCondition, AssetType } from './asset.entity';

/**
 * The demo's equipment: a laptop bought on a vendor bill (cost and warranty from the books) and
 * others recorded by hand; the agent holds a laptop and a phone (accepted), a printer stands on a
 * floor, a monitor came back worn, an old laptop is retired, and a repair contract covers the
 * printer and the laptops; the printer was audited; laptops have a quarterly check and the
 * printer a 90-day service, whose first work order is done with a toner cartridge from stock.
 * Made through the services as IT support; seeded once (nothing when an asset exists).
 */
export async function seedAssets(
  orm: MikroORM,
  services: DomainServices,
  viewerFor: (email: string) => Promise<Viewer>,
): Promise<number> {
  const em = orm.em.fork();
  if ((await em.count(Asset, {})) > 0) return 0;
  const it = await viewerFor('it@example.com');
  const accountant = await viewerFor('accountant@example.com');
  const agent = await viewerFor('agent@example.com');
  const warehouse = await viewerFor('warehouse@example.com');
  const scope = { em };
  const day = today();

  const { vendor } = await services.receivables.createVendor(scope, accountant, {
    name: 'Fixit Device Services',
    email: 'contracts@fixit-devices.example',
  });
  const { bill } = await services.receivables.recordBill(scope, accountant, {
    vendorId: vendor.id,
    expenseAccountId: await services.ledger.accountId(em, StandardAccount.OPERATING_EXPENSES),
    amount: '1899.00',
    billDate: addDays(day, -60),
    memo: 'Developer laptop',
    idempotencyKey: 'demo-bill-laptop',
  });
  const create = async (draft: Parameters<DomainServices['assets']['createAsset']>[2]) =>
    (await services.assets.createAsset(scope, it, draft)).asset;

  const devLaptop = await create({
    tag: 'LT-0001',
    type: AssetType.LAPTOP,
    model: 'Lenovo ThinkPad X1 Carbon',
    serialNumber: 'PF3XK2A1',
    billId: bill.id,
    warrantyMonths: 36,
    location: 'IT store room',
  });
  const phone = await create({
    tag: 'PH-0001',
    type: AssetType.PHONE,
    model: 'Google Pixel 9',
    serialNumber: '35A91C7',
    purchaseDate: addDays(day, -200),
    cost: '799.00',
    warrantyEnd: addDays(day, 20),
  });
  const printer = await create({
    tag: 'PR-0001',
    type: AssetType.PRINTER,
    model: 'Brother HL-L8360',
    serialNumber: 'E78123K9',
    purchaseDate: addDays(day, -400),
    cost: '429.00',
    auditIntervalDays: 180,
  });
  const monitor = await create({
    tag: 'MO-0001',
    type: AssetType.MONITOR,
    model: 'Dell U2723QE',
    purchaseDate: addDays(day, -300),
    cost: '579.00',
  });
  const oldLaptop = await create({
    tag: 'LT-0000',
    type: AssetType.LAPTOP,
    model: 'Dell Latitude 7400',
    serialNumber: 'OLD7400',
    purchaseDate: addDays(day, -1500),
    cost: '1250.00',
  });

  const { assignment } = await services.custody.checkOut(scope, it, {
    assetIds: [devLaptop.id, phone.id],
    employeeId: agent.employeeId,
    expectedReturn: addDays(day, 365),
    note: 'Support agent kit',
  });
  await services.custody.accept(scope, agent, assignment.id, null);
  await services.custody.checkOut(scope, it, {
    assetIds: [printer.id],
    location: 'Floor 2, print corner',
  });
  await services.custody.checkOut(scope, it, {
    assetIds: [monitor.id],
    employeeId: agent.employeeId,
  });
  await services.custody.checkIn(scope, it, {
    assetId: monitor.id,
    condition: AssetCondition.WORN,
    location: 'IT store room',
    note: 'Stand wobbles',
  });
  await services.custody.retire(scope, it, oldLaptop.id, 'Battery swollen; recycled');
  await services.serviceContracts.createServiceContract(scope, it, {
    name: 'Next-business-day device repair',
    vendorId: vendor.id,
    reference: 'FIX-2026-004',
    startsOn: addDays(day, -90),
    endsOn: addDays(day, 275),
    cost: '1200.00',
    assetIds: [devLaptop.id, printer.id],
  });
  await services.custody.audit(scope, it, {
    assetId: printer.id,
    location: 'Floor 2, print corner',
    condition: AssetCondition.GOOD,
    note: 'Paper tray label missing',
  });

  // Maintenance: laptops checked quarterly, the printer serviced every 90 days; the scheduler opens
  // what is due today, and the printer's service is done with a toner cartridge from stock.
  const { product: toner } = await services.catalog.createProduct(scope, warehouse, {
    sku: 'TONER-TN3480',
    name: 'Toner cartridge TN-3480',
    price: '89.00',
    cost: '54.00',
  });
  await services.catalog.adjustStock(scope, warehouse, toner.id, 12, 'Initial count');
  await services.maintenance.createMaintenancePlan(scope, it, {
    name: 'Quarterly laptop check',
    assetType: AssetType.LAPTOP,
    rrule: 'FREQ=MONTHLY;INTERVAL=3',
    startsOn: addDays(day, -30),
    instructions: 'Install OS and firmware updates, check the battery health, clean the fans.',
    estimatedLabourMinutes: 30,
  });
  await services.maintenance.createMaintenancePlan(scope, it, {
    name: 'Printer service',
    assetId: printer.id,
    intervalDays: 90,
    startsOn: day,
    instructions: 'Replace the toner if below 20%, clean the rollers, print a test page.',
    estimatedLabourMinutes: 20,
  });
  const { opened } = await services.maintenance.runScheduler(scope, {});
  const printerService = opened.find((order) => order.asset.id === printer.id);
  if (printerService)
    await services.maintenance.completeWorkOrder(scope, it, {
      workOrderId: printerService.id,
      parts: [{ productId: toner.id, quantity: 1 }],
      labourMinutes: 25,
      notes: 'Toner replaced; rollers cleaned',
    });
  return 5;
}
