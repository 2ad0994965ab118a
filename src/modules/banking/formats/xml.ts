/**
 * XML reading for the statement parsers, through fast-xml-parser (no hand-written XML parsing).
 * Values stay strings (leading zeros in references and amounts matter); namespace prefixes are
 * dropped from element names, and the root element's namespace is reported separately.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { StatementFileError } from './statement-types';

export interface XmlElement {
  [name: string]: XmlValue | XmlValue[];
}
export type XmlValue = string | XmlElement;

export interface XmlDocument {
  rootName: string;
  rootNamespace: string | null;
  root: XmlElement;
}

/**
 * Parses a document, or throws a StatementFileError 'line L, column C: …' when it is not
 * well-formed. `lineOffset` is added to the reported line when `text` is a slice of the file.
 */
export function readXml(text: string, lineOffset = 0): XmlDocument {
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) {
    const line = verdict.err.line + lineOffset;
    throw new StatementFileError(
      `line ${line}, column ${verdict.err.col}: the file is not well-formed XML (${verdict.err.msg})`,
      `line ${line}`,
    );
  }
  let rootTag: string | null = null;
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    transformTagName: (name) => {
      if (rootTag === null) rootTag = name;
      return name.replace(/^[^:]*:/, '');
    },
  });
  const parsed = parser.parse(text) as XmlElement;
  const rootName = Object.keys(parsed).find((key) => !key.startsWith('?') && !key.startsWith('#'));
  if (rootName === undefined || rootTag === null)
    throw new StatementFileError('The file holds no XML element.', 'line 1');
  const root = asElement(first(parsed[rootName])) ?? {};
  const prefix = (rootTag as string).includes(':') ? (rootTag as string).split(':')[0] : null;
  const namespace = attribute(root, prefix === null ? 'xmlns' : `xmlns:${prefix}`);
  return { rootName, rootNamespace: namespace, root };
}

function first(value: XmlValue | XmlValue[] | undefined): XmlValue | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function asElement(value: XmlValue | undefined): XmlElement | undefined {
  return value !== undefined && typeof value === 'object' ? value : undefined;
}

/** Every child element called `name`, in document order. */
export function children(node: XmlValue | undefined, name: string): XmlValue[] {
  const element = asElement(node);
  if (element === undefined) return [];
  const value = element[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The first element along a '/'-separated path, or undefined. */
export function at(node: XmlValue | undefined, path: string): XmlValue | undefined {
  let current: XmlValue | undefined = node;
  for (const name of path.split('/')) {
    current = children(current, name)[0];
    if (current === undefined) return undefined;
  }
  return current;
}

/** The text of an element (a leaf with or without attributes); null when absent or not a leaf. */
export function textOf(value: XmlValue | undefined): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string') return value;
  const text = value['#text'];
  if (typeof text === 'string') return text;
  // An element with attributes but no text, e.g. <Amt Ccy="EUR"/>.
  return Object.keys(value).every((key) => key.startsWith('@_')) ? '' : null;
}

/** The text at a path, trimmed; null when absent or empty. */
export function textAt(node: XmlValue | undefined, path: string): string | null {
  const text = textOf(at(node, path));
  if (text === null) return null;
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed;
}

export function attribute(node: XmlValue | undefined, name: string): string | null {
  const element = asElement(node);
  if (element === undefined) return null;
  const value = element[`@_${name}`];
  return typeof value === 'string' ? value : null;
}
