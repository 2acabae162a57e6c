import { fileURLToPath } from 'node:url';

/** The repository root, wherever the command is run from. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
