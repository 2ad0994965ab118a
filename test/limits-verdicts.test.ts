import { buildSchema, parse } from 'graphql';
import { checkLimits, DEFAULT_LIMITS, type RequestLimits } from '../src/graphql/limits';

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

// Each test gets limits of its own, so that no verdict carries over from another test.
const limits = (): RequestLimits => ({ ...DEFAULT_LIMITS, maxCost: 1_000 });
const codeOf = (error: ReturnType<typeof checkLimits>) => error?.extensions.code;

it('gives each page size its own verdict, and a left-out size its default', () => {
  const document = parse(
    'query Items($n: Int = 100, $note: String) { items(first: $n, note: $note) { parts(first: 20) { name } } }',
  );
  const own = limits();
  const check = (variables: Record<string, unknown>) =>
    codeOf(checkLimits(schema, document, 'Items', variables, own));
  expect(check({ n: 10, note: 'a' })).toBeUndefined();
  expect(check({ n: 10, note: 'b' })).toBeUndefined();
  expect(check({ n: 100, note: 'a' })).toBe('QUERY_TOO_COMPLEX');
  expect(check({ note: 'a' })).toBe('QUERY_TOO_COMPLEX'); // the default, 100
  expect(check({ n: null })).toBeUndefined(); // null: no page size
});

it('follows @include and @skip variables, in fragments too', () => {
  const document = parse(`
    query Both($big: Boolean!, $small: Boolean!, $tag: String) {
      items(first: 1, note: $tag) { name }
      ...Large
      items(first: 2) @skip(if: $small) { name }
    }
    fragment Large on Query { items(last: 900) @include(if: $big) { parts(last: 5) { name } } }
  `);
  const own = limits();
  const check = (variables: Record<string, unknown>) =>
    codeOf(checkLimits(schema, document, 'Both', variables, own));
  expect(check({ big: false, small: true, tag: 'x' })).toBeUndefined();
  expect(check({ big: true, small: true, tag: 'x' })).toBe('QUERY_TOO_COMPLEX');
  expect(check({ big: false, small: false, tag: 'y' })).toBeUndefined();
});

it('does not keep a verdict reached with invalid variables', () => {
  const document = parse(
    'query Order($lines: [LineInput!], $n: Int) { items(first: $n, lines: $lines) { parts(first: 100) { name } } }',
  );
  const own = limits();
  const check = (variables: Record<string, unknown>) =>
    codeOf(checkLimits(schema, document, 'Order', variables, own));
  // Invalid lines: the cost cannot be estimated, and execution reports the variable.
  expect(check({ n: 50, lines: [{ sku: 'A' }] })).toBeUndefined();
  // The same page size with valid lines is estimated, and refused.
  expect(check({ n: 50, lines: [{ sku: 'A', quantity: 1 }] })).toBe('QUERY_TOO_COMPLEX');
  expect(check({ n: 50, lines: [{ sku: 'B', quantity: 2 }] })).toBe('QUERY_TOO_COMPLEX');
});
