import { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { getMetadataStorage, registerEnumType } from 'type-graphql';
import { Role } from '../modules/common/role';

// Roles as GraphQL sees them; registered here, where the schema is given its access rules.
registerEnumType(Role, {
  name: 'Role',
  description:
    'An access role. An employee or API token holds one or more; ADMIN may do everything.',
  valuesConfig: {
    ADMIN: { description: 'Administers Backdesk; may do everything.' },
    SUPPORT_AGENT: {
      description:
        'Works support tickets; reads customers and orders, places and cancels orders for customers.',
    },
    SUPPORT_LEAD: {
      description:
        'A support agent who also assigns work to others and edits SLA policies and automation.',
    },
    ACCOUNTANT: {
      description:
        'Keeps the ledger: posts and reverses entries, invoices, payments, bills, closes periods.',
    },
    HR: { description: 'Manages employees, departments, salaries and payroll.' },
    FULFILLMENT: { description: 'Works the warehouse: stock, picking, packing, shipping.' },
    REPORTING: { description: 'Read-only access for reporting tools.' },
    IT_SUPPORT: {
      description:
        "Keeps the company's equipment: assets, custody, maintenance, service contracts and the internal IT desk.",
    },
    COMPLIANCE: {
      description:
        'Answers to the law: reads the audit trail, exports records, sets retention, places legal holds and answers data subject requests.',
    },
  },
});

/** Who may call a root field: everyone, any signed-in viewer, or holders of some roles (and ADMIN). */
export type AccessRule =
  { kind: 'public' } | { kind: 'signedIn' } | { kind: 'roles'; roles: Role[] };

/**
 * Root fields anyone may call without a token: signing in, and a customer's answer to a
 * satisfaction survey (the survey token in its input is the credential). Nothing else; the
 * sign-in check (public-operations.ts) reads this same list.
 */
export const PUBLIC_ROOT_FIELDS: ReadonlySet<string> = new Set([
  'Mutation.login',
  'Mutation.respondToSatisfactionSurvey',
]);

/**
 * The access rule of every root field, read from the `@Authorized` decorators (which reference the
 * role lists in `Permissions`). A root field with neither a decorator nor a public entry has no
 * rule: `undefined`, which the authorization test reports.
 */
export function rootFieldRules(): Map<string, AccessRule | undefined> {
  const storage = getMetadataStorage();
  const rules = new Map<string, AccessRule | undefined>();
  const roots = [
    ['Query', storage.queries],
    ['Mutation', storage.mutations],
    ['Subscription', storage.subscriptions],
  ] as const;
  for (const [rootType, handlers] of roots) {
    for (const handler of handlers) {
      const key = `${rootType}.${handler.schemaName}`;
      if (PUBLIC_ROOT_FIELDS.has(key)) {
        rules.set(key, { kind: 'public' });
        continue;
      }
      const authorized = storage.authorizedFields.find(
        (entry) =>
          entry.fieldName === handler.methodName &&
          (entry.target === handler.target || handler.target.prototype instanceof entry.target),
      );
      if (!authorized) rules.set(key, undefined);
      else if (authorized.roles.length === 0) rules.set(key, { kind: 'signedIn' });
      else rules.set(key, { kind: 'roles', roles: [...new Set(authorized.roles as Role[])] });
    }
  }
  return rules;
}

export function ruleText(rule: AccessRule): string {
  if (rule.kind === 'public') return 'Open to everyone (no token needed).';
  if (rule.kind === 'signedIn') return 'Requires a signed-in employee or API token.';
  return `Requires one of: ${[...rule.roles.filter((role) => role !== Role.ADMIN), Role.ADMIN].join(', ')}.`;
}

/** Whether a set of roles passes a rule (ADMIN passes every rule). */
export function allows(rule: AccessRule, roles: readonly Role[]): boolean {
  if (rule.kind !== 'roles') return true;
  return roles.includes(Role.ADMIN) || rule.roles.some((role) => roles.includes(role));
}

/**
 * States each root field's rule in its description ("Requires one of: ACCOUNTANT, ADMIN."), so
 * reporting tools and frontend teams see the rules through introspection.
 */
export function describeAccessRules(schema: GraphQLSchema): GraphQLSchema {
  const rules = rootFieldRules();
  const withRules = (type: GraphQLObjectType | null | undefined) => {
    if (!type) return undefined;
    const config = type.toConfig();
    const fields = Object.fromEntries(
      Object.entries(config.fields).map(([name, field]) => {
        const rule = rules.get(`${type.name}.${name}`);
        const description = field.description ?? '';
        if (!rule || description.includes('Requires ') || description.includes('Open to everyone'))
          return [name, field];
        return [name, { ...field, description: `${description} ${ruleText(rule)}`.trim() }];
      }),
    );
    return new GraphQLObjectType({ ...config, fields });
  };
  const config = schema.toConfig();
  const query = withRules(config.query);
  const mutation = withRules(config.mutation);
  const subscription = withRules(config.subscription);
  const rootNames = new Set([config.query?.name, config.mutation?.name, config.subscription?.name]);
  return new GraphQLSchema({
    ...config,
    query,
    mutation,
    subscription,
    types: config.types.filter((type) => !rootNames.has(type.name)),
  });
}
