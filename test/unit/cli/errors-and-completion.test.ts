import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ApiError, ApiUnreachableError } from '../../../src/cli/api-client';
import { completionScript } from '../../../src/cli/completion';
import { classify, EXIT, exitCodeOf } from '../../../src/cli/errors';
import { program } from '../../../src/cli/program';
import { DataFolderInUseError, PortInUseError } from '../../../src/local/runtime-file';

describe('exit codes', () => {
  it.each([
    [400, EXIT.usage],
    [401, EXIT.unreachable],
    [403, EXIT.unreachable],
    [404, EXIT.notFound],
    [409, EXIT.conflict],
    [500, EXIT.failure],
  ])('HTTP %i exits with %i', (status, exit) => {
    const { code, status: reported } = classify(new ApiError(status, { message: 'x' }, 'GET /alerts'));
    expect(exitCodeOf(code)).toBe(exit);
    expect(reported).toBe(status);
  });

  it('an unreachable API, a held data folder and a port in use each have their code', () => {
    expect(classify(new ApiUnreachableError('http://127.0.0.1:9', new Error('fetch failed'))).code).toBe(
      'UNREACHABLE',
    );
    const holder = {
      pid: 1,
      state: 'running' as const,
      dataFolder: '/d',
      stage: 'local',
      port: 3000,
      startedAt: 'now',
    };
    expect(exitCodeOf(classify(new DataFolderInUseError('/d', holder)).code)).toBe(EXIT.conflict);
    expect(exitCodeOf(classify(new PortInUseError(3000, undefined)).code)).toBe(EXIT.conflict);
    expect(classify(new Error('anything else'))).toEqual({
      code: 'FAILED',
      message: 'anything else',
      status: null,
    });
  });
});

/** What bash completes after `words` (the last one being typed), with the generated script sourced. */
const complete = (script: string, words: string[]): string[] => {
  const run = spawnSync(
    'bash',
    [
      '-c',
      `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _ai_ops_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout.split('\n').filter((w) => w !== '');
};

describe('shell completion', () => {
  it("completes commands, subcommands and options, their parents' included, in bash", () => {
    const bash = completionScript(program(), 'bash');
    expect(complete(bash, ['ai-ops', ''])).toEqual(
      expect.arrayContaining(['start', 'alerts', 'audit', 'doctor', 'replay', 'logs', 'token', 'completion']),
    );
    expect(complete(bash, ['ai-ops', 'al'])).toEqual(['alerts']);
    expect(complete(bash, ['ai-ops', 'alerts', ''])).toEqual(
      expect.arrayContaining(['list', 'show', 'approve', 'reject']),
    );
    expect(complete(bash, ['ai-ops', 'alerts', 'list', '--st'])).toEqual([
      '--status',
      '--station',
      '--stage',
    ]);
    expect(complete(bash, ['ai-ops', 'alerts', 'list', '--json', '--dyn'])).toEqual(['--dynamodb-endpoint']);
  });

  it('gives zsh the same completion through bashcompinit', () => {
    const zsh = completionScript(program(), 'zsh');
    expect(zsh).toContain('autoload -U +X bashcompinit && bashcompinit');
    expect(zsh).toContain(completionScript(program(), 'bash').split('\n').slice(1).join('\n'));
  });
});
