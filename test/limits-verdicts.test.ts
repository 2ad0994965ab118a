import { buildSchema, parse } from 'graphql';
import { DEFAULT_QUERY_LIMITS } from '../src/config';
import { checkLimits, type RequestLimits } from '../src/graphql/limits';

/**
 * Verdicts are kept per document and the values of the variables that can change them (page
 * sizes, @skip/@include). These check that a kept verdict never answers a request whose cost
 * differs, and that invalid variables leave nothing behind.
 */
const schema = buildSchema(`
  input LineInput { sku: String!, quantity: Int! }
  type Item { name: String, parts(first: Int, last: Int): [Item] }
  type Query { items(first: Int, last: Int, note: String, lines: [LineInput!]): [Item] }
`);

/**
 * Checks one operation of a document, with limits of its own so that no verdict carries over
 * from another test; returns the refusal's code.
 */
function checker(query: string, operationName: string) {
  const document = parse(query);
  const limits: RequestLimits = { ...DEFAULT_QUERY_LIMITS, maxCost: 1_000 };
  return (variables: Record<string, unknown>) =>
    checkLimits(schema, document, operationName, variables, limits)?.extensions.code;
}

it('gives each page size its own verdict, and a left-out size its default', () => {
  const check = checker(
    'query Items($n: Int = 100, $note: String) { items(first: $n, note: $note) { parts(first: 20) { name } } }',
    'Items',
  );
  expect(check({ n: 10, note: 'a' })).toBeUndefined();
  expect(check({ n: 10, note: 'b' })).toBeUndefined();
  expect(check({ n: 100, note: 'a' })).toBe('QUERY_TOO_COMPLEX');
  expect(check({ note: 'a' })).toBe('QUERY_TOO_COMPLEX'); // the default, 100
  expect(check({ n: null })).toBeUndefined(); // null: no page size
});

it('follows @include and @skip variables, in fragments too', () => {
  const check = checker(
    `
    query Both($big: Boolean!, $small: Boolean!, $tag: String) {
      items(first: 1, note: $tag) { name }
      ...Large
      items(first: 2) @skip(if: $small) { name }
    }
    fragment Large on Query { items(last: 900) @include(if: $big) { parts(last: 5) { name } } }
  `,
    'Both',
  );
  expect(check({ big: false, small: true, tag: 'x' })).toBeUndefined();
  expect(check({ big: true, small: true, tag: 'x' })).toBe('QUERY_TOO_COMPLEX');
  expect(check({ big: false, small: false, tag: 'y' })).toBeUndefined();
});

it('does not keep a verdict reached with invalid variables', () => {
  const check = checker(
    'query Order($lines: [LineInput!], $n: Int) { items(first: $n, lines: $lines) { parts(first: 100) { name } } }',
    'Order',
  );
  // Invalid lines: the cost cannot be estimated, and execution reports the variable.
  expect(check({ n: 50, lines: [{ sku: 'A' }] })).toBeUndefined();
  // The same page size with valid lines is estimated, and refused.
  expect(check({ n: 50, lines: [{ sku: 'A', quantity: 1 }] })).toBe('QUERY_TOO_COMPLEX');
  expect(check({ n: 50, lines: [{ sku: 'B', quantity: 2 }] })).toBe('QUERY_TOO_COMPLEX');
});
