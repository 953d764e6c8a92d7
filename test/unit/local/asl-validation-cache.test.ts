import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { afterAll, describe, expect, it } from 'vitest';
import { rememberValid, validatedBefore } from '../../../src/local/asl-validation-cache';

const root = mkdtempSync(join(tmpdir(), 'ai-ops-asl-cache-'));
const library = join(root, 'node_modules', 'aws-local-stepfunctions');
mkdirSync(library, { recursive: true });
const installLibrary = (version: string) =>
  writeFileSync(join(library, 'package.json'), JSON.stringify({ name: 'aws-local-stepfunctions', version }));

const machine = (result: string) =>
  ({
    StartAt: 'Done',
    States: { Done: { Type: 'Pass', Result: result, End: true } },
  }) as unknown as StateMachineDefinition;

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the memory of state machine definitions that passed validation', () => {
  it('knows a definition once it passed, and only that exact text with that library version', () => {
    installLibrary('3.0.0');
    expect(validatedBefore(machine('a'), root)).toBe(false);
    rememberValid(machine('a'), root);
    expect(validatedBefore(machine('a'), root)).toBe(true);
    expect(validatedBefore(machine('b'), root)).toBe(false);
    installLibrary('3.0.1');
    expect(validatedBefore(machine('a'), root)).toBe(false);
  });
});
