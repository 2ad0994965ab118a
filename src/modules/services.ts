import { AuthService } from './auth/auth.service';
import { CatalogService } from './catalog/catalog.service';
import { CustomerService } from './customers/customer.service';
import { OrderService } from './orders/order.service';
import { ReportingService } from './reporting/reporting.service';
import type { SessionTokens } from './auth/session-token';

/** The domain services, created once per process and shared by every request. */
export interface Services {
  auth: AuthService;
  customers: CustomerService;
  catalog: CatalogService;
  orders: OrderService;
  reporting: ReportingService;
}

export interface ServiceDependencies {
  sessions: SessionTokens;
}

export function createServices(deps: ServiceDependencies): Services {
  const customers = new CustomerService();
  const catalog = new CatalogService();
  return {
    auth: new AuthService(deps.sessions),
    customers,
    catalog,
    orders: new OrderService(customers, catalog),
    reporting: new ReportingService(),
  };
}
