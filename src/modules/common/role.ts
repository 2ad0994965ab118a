/** What an employee or API token may do. ADMIN may do everything. */
export enum Role {
  ADMIN = 'ADMIN',
  SUPPORT_AGENT = 'SUPPORT_AGENT',
  SUPPORT_LEAD = 'SUPPORT_LEAD',
  ACCOUNTANT = 'ACCOUNTANT',
  HR = 'HR',
  FULFILLMENT = 'FULFILLMENT',
  REPORTING = 'REPORTING',
  IT_SUPPORT = 'IT_SUPPORT',
  COMPLIANCE = 'COMPLIANCE',
}

export const ALL_ROLES: readonly Role[] = Object.values(Role);
