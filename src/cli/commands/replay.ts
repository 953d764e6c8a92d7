import { type Command, Option } from 'commander';
import { reportFailures } from '../api-client';
import { optionsOf, subcommand, targetOf } from '../common-options';
import type { ReplayOptions } from '../replay-run';

/**
 * `ai-ops replay`: recorded DynamoDB Streams events (or a live stream) through a function's real
 * handler, honouring the function's event settings from serverless.yml (filter patterns, batch size,
 * partial batch failures, bisect, retries, tumbling windows), printing each batch response. With tumbling
 * windows the state is carried from batch to batch by the records' ApproximateCreationDateTime, and each
 * window ends with its final invocation, the last one included. Records are replayed
 * whatever their age: maximumRecordAgeInSeconds is for live streams. Without --dynamodb-endpoint (or AIOPS_DYNAMODB_ENDPOINT, or a config file's) recorded records run
 * against a private DynamoDB Local whose source table holds the records' images. With --dry-run nothing is written:
 * the function's use case runs with ports that only say what they would do.
 */
export const replayCommand = (): Command =>
  subcommand('replay', 'push recorded or live DynamoDB Streams records through a function locally')
    .argument('[source]', 'a recorded event file, or a folder of them')
    .requiredOption(
      '--function <name>',
      'the stream-triggered function (serverless.yml key), e.g. evaluateMetrics',
    )
    .addOption(new Option('--from-stream <arn>', 'read a live stream from its start instead of files'))
    .addOption(new Option('--dry-run', 'show what the handler would do; write nothing').default(false))
    .action(
      reportFailures(async (source: string | undefined, _options: ReplayOptions, command: Command) => {
        // Loaded on use: the AWS SDK and the local runtime's pieces would slow every other command's start.
        const { runReplay } = await import('../replay-run');
        await runReplay(source, optionsOf<ReplayOptions>(command), targetOf(command));
      }),
    );
