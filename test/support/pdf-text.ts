import { spawn } from 'node:child_process';

/**
 * pdf-parse's getText, run in a child Node process: pdfjs loads its worker with a dynamic
 * import, which jest's module sandbox refuses. The PDF goes in on stdin; the text comes out.
 */
const SCRIPT = `
const { PDFParse } = require('pdf-parse');
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', async () => {
  try {
    const { text } = await new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) }).getText();
    process.stdout.write(text);
  } catch (error) {
    process.stderr.write(String(error && error.stack || error));
    process.exit(1);
  }
});`;

/** The text of a PDF as a PDF reader extracts it (pdf-parse 2). */
export function pdfText(pdf: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', SCRIPT], {
      cwd: __dirname,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`pdf-parse failed: ${Buffer.concat(err).toString('utf8')}`));
    });
    child.stdin.end(pdf);
  });
}
