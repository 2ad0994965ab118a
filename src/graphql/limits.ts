import {
  GraphQLError,
  Kind,
  getNamedType,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { QueryLimits } from '../config';
import { DEFAULT_PAGE_SIZE } from '../read/page-size';
import type { TrustedDocuments } from './trusted-documents';

/** What one request may ask for (config.ts), and the registered operations when only those run. */
export interface RequestLimits extends QueryLimits {
  /** When set, only these registered operations may run. */
  trusted?: TrustedDocuments;
}

function refuse(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

/** A page (Relay connection or any list with `first`/`last`) costs its size times what each item costs. */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity, field }) => {
  const size =
    typeof args.first === 'number'
      ? args.first
      : typeof args.last === 'number'
        ? args.last
        : undefined;
  if (size !== undefined) return 1 + childComplexity * Math.max(size, 1);
  if (getNamedType(field.type).name.endsWith('Connection'))
    return 1 + childComplexity * DEFAULT_PAGE_SIZE;
  return undefined;
};

interface Shape {
  depth: number;
  aliases: number;
  directives: number;
}

/** Depth, aliases and directives of an operation, following fragments (each at most once per path). */
function measure(
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
): Shape {
  const shape: Shape = { depth: 0, aliases: 0, directives: operation.directives?.length ?? 0 };
  const walk = (selectionSet: SelectionSetNode, depth: number, seen: ReadonlySet<string>) => {
    for (const selection of selectionSet.selections) {
      shape.directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) shape.aliases += 1;
        if (selection.name.value.startsWith('__')) continue; // introspection has its own shape
        shape.depth = Math.max(shape.depth, depth + 1);
        if (selection.selectionSet) walk(selection.selectionSet, depth + 1, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value))
          walk(fragment.selectionSet, depth, new Set([...seen, fragment.name.value]));
      }
    }
  };
  walk(operation.selectionSet, 0, new Set());
  return shape;
}

/** A document's verdicts so far, by operation and the values of its cost variables. */
interface DocumentVerdicts {
  costVariables: readonly string[];
  byKey: Map<string, GraphQLError | undefined>;
}

/**
 * Verdicts already reached, per parsed document (Apollo and the WebSocket server reuse the parsed
 * document of a query they have seen) and per operation and cost variables: a console or a report
 * sends the same few operations again and again, and walking the cost of each is not free.
 */
const verdicts = new WeakMap<RequestLimits, WeakMap<DocumentNode, DocumentVerdicts>>();
const VERDICTS_PER_DOCUMENT = 256;

/** The cost could not be estimated because the variables are invalid. */
const INVALID_VARIABLES = Symbol('invalid variables');

/**
 * The variables a verdict can depend on: those given to a page size (`first`, `last`, all the
 * cost estimate reads) or to `@skip`/`@include`. The others (an order's lines, an idempotency
 * key) change nothing the limits measure, so requests that differ only in them share a verdict.
 */
function costVariablesOf(document: DocumentNode): string[] {
  const names = new Set<string>();
  const take = (args: readonly ArgumentNode[] | undefined, named: (name: string) => boolean) => {
    for (const arg of args ?? [])
      if (named(arg.name.value) && arg.value.kind === Kind.VARIABLE)
        names.add(arg.value.name.value);
  };
  visit(document, {
    Field: (field) => take(field.arguments, (name) => name === 'first' || name === 'last'),
    Directive: (directive) => {
      if (directive.name.value === 'skip' || directive.name.value === 'include')
        take(directive.arguments, () => true);
    },
  });
  return [...names];
}

/**
 * Checks an operation against the limits, the same way for HTTP and WebSocket. Returns the
 * refusal (a GraphQL error with a code, HTTP 400) or undefined.
 */
export function checkLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: RequestLimits,
): GraphQLError | undefined {
  let byDocument = verdicts.get(limits);
  if (!byDocument) {
    byDocument = new WeakMap();
    verdicts.set(limits, byDocument);
  }
  let known = byDocument.get(document);
  if (!known) {
    known = { costVariables: costVariablesOf(document), byKey: new Map() };
    byDocument.set(document, known);
  }
  // A variable left out and one given as null can cost differently (a default page size).
  const values = known.costVariables.map((name) =>
    variables && Object.hasOwn(variables, name) ? [variables[name]] : [],
  );
  const key = `${operationName ?? ''}\u0000${JSON.stringify(values)}`;
  if (known.byKey.has(key)) return known.byKey.get(key);
  const verdict = judge(schema, document, operationName, variables, limits);
  // Not kept: the cost is unknown, and the next request's other variables may be valid.
  if (verdict === INVALID_VARIABLES) return undefined;
  if (known.byKey.size >= VERDICTS_PER_DOCUMENT) known.byKey.clear();
  known.byKey.set(key, verdict);
  return verdict;
}

function judge(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: RequestLimits,
): GraphQLError | undefined | typeof INVALID_VARIABLES {
  const untrusted = limits.trusted?.check(document);
  if (untrusted) return untrusted;
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((op) => op.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation) return undefined; // GraphQL itself reports the missing operation
  const fragments = new Map(
    document.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [],
    ),
  );
  const shape = measure(operation, fragments);
  if (shape.depth > limits.maxDepth)
    return refuse(
      'QUERY_TOO_DEEP',
      `The query is ${shape.depth} levels deep; at most ${limits.maxDepth} are allowed`,
    );
  if (shape.aliases > limits.maxAliases)
    return refuse(
      'TOO_MANY_ALIASES',
      `The query has ${shape.aliases} aliases; at most ${limits.maxAliases} are allowed`,
    );
  if (shape.directives > limits.maxDirectives) {
    return refuse(
      'TOO_MANY_DIRECTIVES',
      `The query has ${shape.directives} directives; at most ${limits.maxDirectives} are allowed`,
    );
  }
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      operationName: operation.name?.value,
      variables: variables ?? {},
      estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    return INVALID_VARIABLES; // execution reports them precisely
  }
  if (cost > limits.maxCost) {
    return refuse(
      'QUERY_TOO_COMPLEX',
      `The query would cost ${cost} (pages multiply what they hold); at most ${limits.maxCost} is allowed: ask for smaller pages`,
    );
  }
  return undefined;
}
