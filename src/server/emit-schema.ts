import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config';
import { backdeskSchema, printBackdeskSchema } from './schema';

/** `npm run schema:emit`: writes the SDL that the code builds to schema/schema.graphql. */
export const SCHEMA_FILE = path.join(PROJECT_ROOT, 'schema', 'schema.graphql');

async function emit(): Promise<void> {
  const sdl = printBackdeskSchema(await backdeskSchema());
  fs.writeFileSync(SCHEMA_FILE, sdl);
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
}

if (require.main === module) {
  emit().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
