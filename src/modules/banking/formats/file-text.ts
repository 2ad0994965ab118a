/**
 * A statement file's bytes as text, in the encoding the file declares: the XML declaration's
 * `encoding` (camt.053, OFX 2.x) or the OFX 1.x header's `CHARSET` (1252 is Windows-1252);
 * UTF-8 otherwise. A byte-order mark is dropped.
 */
export function statementFileText(bytes: Buffer): string {
  const head = bytes.subarray(0, 512).toString('latin1');
  const xml = /<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']/i.exec(head)?.[1];
  const ofxCharset = /^CHARSET:\s*([A-Za-z0-9-]+)/im.exec(head)?.[1];
  const declared =
    xml ?? (ofxCharset && /^\d+$/.test(ofxCharset) ? `windows-${ofxCharset}` : ofxCharset);
  let encoding = 'utf-8';
  if (declared && !/^(none|us-ascii|utf-?8)$/i.test(declared)) {
    try {
      new TextDecoder(declared);
      encoding = declared;
    } catch {
      encoding = 'utf-8';
    }
  }
  return new TextDecoder(encoding, { ignoreBOM: false }).decode(bytes);
}
