import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';

/**
 * aws-local-stepfunctions checks a definition against the ASL schema in StateMachine's constructor:
 * about 0.7 s of CPU at every runtime start (every e2e test file starts one), for a file that changes
 * rarely. A definition that passed is remembered by the hash of its text and of the library's version
 * (node_modules/.cache/ai-ops/asl-valid); only a definition never seen valid is checked again.
 */

const cacheDir = (root: string): string => join(root, 'node_modules', '.cache', 'ai-ops', 'asl-valid');

const markerOf = (root: string, definition: StateMachineDefinition): string | undefined => {
  let library: string;
  try {
    library = readFileSync(join(root, 'node_modules', 'aws-local-stepfunctions', 'package.json'), 'utf8');
  } catch {
    // Not where a checkout has it: no cache, the definition is checked every time.
    return undefined;
  }
  const hash = createHash('sha256').update(library).update(JSON.stringify(definition)).digest('hex');
  return join(cacheDir(root), hash.slice(0, 32));
};

/** Whether this exact definition passed the library's validation before. */
export const validatedBefore = (definition: StateMachineDefinition, root = process.cwd()): boolean => {
  const marker = markerOf(root, definition);
  return marker !== undefined && existsSync(marker);
};

/** Remembers that this definition passed; written through a rename, as several runtimes may start at once. */
export const rememberValid = (definition: StateMachineDefinition, root = process.cwd()): void => {
  const marker = markerOf(root, definition);
  if (!marker) return;
  mkdirSync(cacheDir(root), { recursive: true });
  const temporary = `${marker}.${process.pid}.tmp`;
  writeFileSync(temporary, '');
  renameSync(temporary, marker);
};
