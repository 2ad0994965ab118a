import type { MikroORM } from '@mikro-orm/postgresql';
import type { Viewer } from '../common/viewer';
import type { DomainServices } from '../services';
import { PurchaseOrder } from './purchase-order.entity';

const DEMO_VENDORS = [
  {
    name: 'Northwind Office Supply',
    email: 'orders@northwind-supply.example',
    paymentTermsDays: 30,
  },
  { name: 'Contoso Electronics', email: 'sales@contoso-electronics.example', paymentTermsDays: 45 },
];

/**
 * The demo's purchasing: two vendors; a lamp order received in full and billed (MATCHED, unpaid),
 * a dock order half received and billed in full (an EXCEPTION, approved), and a chair order above
 * the approval threshold waiting in DRAFT.
 * Made through the services as the warehouse and the accountant; seeded once (nothing when a
 * purchase order exists).
 */
export async function seedPurchasing(
  orm: MikroORM,
  services: DomainServices,
  viewerFor: (email: string) => Promise<Viewer>,
): Promise<number> {
  const em = orm.em.fork();
  if ((await em.count(PurchaseOrder, {})) > 0) return 0;
  const warehouse = await viewerFor('warehouse@example.com');
  const accountant = await viewerFor('accountant@example.com');
  const vendorIds: number[] = [];
  for (const vendor of DEMO_VENDORS)
    vendorIds.push((await services.receivables.createVendor({ em }, accountant, vendor)).vendor.id);
  const productId = async (sku: string) => {
    const id = await services.catalog.productIdBySku(em, sku);
    if (id === null) throw new Error(`the demo product ${sku} is missing`);
    return id;
  };
  const [lamp, dock, chair] = [
    await productId('LAMP-LED'),
    await productId('DOCK-TB4'),
    await productId('CHAIR-ERGO'),
  ];
  const orders = services.purchaseOrders;

  const { purchaseOrder: lamps } = await orders.createPurchaseOrder({ em }, warehouse, {
    vendorId: vendorIds[0],
    lines: [{ productId: lamp, quantity: 40, unitCost: '21.50' }],
  });
  await orders.receiveGoods({ em }, warehouse, {
    purchaseOrderId: lamps.id,
    lines: [
      { productId: lamp, quantity: 40, rejectedQuantity: 1, rejectionReason: 'Cracked shade' },
    ],
    note: 'Delivery note NW-88121',
  });
  await orders.recordPurchaseBill({ em }, accountant, {
    purchaseOrderId: lamps.id,
    lines: [{ productId: lamp, quantity: 40, unitCost: '21.75' }],
    memo: 'Invoice NW-2231',
  });

  const { purchaseOrder: docks } = await orders.createPurchaseOrder({ em }, warehouse, {
    vendorId: vendorIds[1],
    lines: [{ productId: dock, quantity: 8, unitCost: '120.00' }],
  });
  await orders.receiveGoods({ em }, warehouse, {
    purchaseOrderId: docks.id,
    lines: [{ productId: dock, quantity: 4 }],
  });
  // Billed in full before the rest arrived: an exception the accountant let through.
  const { bill: upfront } = await orders.recordPurchaseBill({ em }, accountant, {
    purchaseOrderId: docks.id,
    lines: [{ productId: dock, quantity: 8, unitCost: '120.00' }],
    memo: 'Invoice CE-7710',
  });
  await services.receivables.approveBillVariance(
    { em },
    accountant,
    upfront.id,
    'Billed in full up front; the other four docks ship next week',
  );

  await orders.createPurchaseOrder({ em }, warehouse, {
    vendorId: vendorIds[0],
    lines: [{ productId: chair, quantity: 20, unitCost: '170.00' }],
    note: 'Spring restock',
  });
  return 3;
}
