import { createRequire } from 'node:module';

// package.json sits two levels above dist/cli/ and src/cli/ alike.
export const VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
