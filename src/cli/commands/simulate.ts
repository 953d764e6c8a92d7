import { type Command, InvalidArgumentError, Option } from 'commander';
import type { SimulationReport, TickInfo } from '../../local/simulator';
import { parseDuration } from '../../local/simulator/duration';
import { MAX_STATIONS } from '../../local/simulator/fleet';
import { type CommonOptions, output, subcommand } from '../common-options';
import { DEFAULT_API, resolveTarget } from '../target';

interface SimulateOptions extends CommonOptions {
  url?: string;
  stations: number;
  duration: number;
  interval: number;
  token?: string;
  incidents: boolean;
  seed?: number;
}

const integerIn =
  (min: number, max: number) =>
  (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    }
    return parsed;
  };

const duration = (value: string): number => {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
};

/** A bar only for a person watching: never into a pipe or a file, never mixed into --json. */
const progressBar = async (options: SimulateOptions) => {
  if (options.json || !process.stderr.isTTY) return undefined;
  const { Presets, SingleBar } = await import('cli-progress');
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: 'simulate |{bar}| {value}/{total}s | ticks {ticks} | sent {sent} | failed requests {failed}',
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  const total = Math.ceil(options.duration / 1000);
  bar.start(total, 0, { ticks: 0, sent: 0, failed: 0 });
  return {
    update: ({ totals }: TickInfo) =>
      bar.update(Math.min(Math.floor(totals.elapsedMs / 1000), total), {
        ticks: totals.ticks,
        sent: totals.metricsSent,
        failed: totals.requestsFailed,
      }),
    // The last tick comes up to one interval before the end; a finished run should read as finished.
    stop: () => {
      if (bar.isActive) bar.update(total);
      bar.stop();
    },
  };
};

const simulate = async (options: SimulateOptions): Promise<void> => {
  // Loaded on use, so that other commands do not pay for the simulator at start.
  const { createFleet, formatReport, httpSender, resolveToken, runSimulator } = await import(
    '../../local/simulator'
  );
  const url = options.url ?? resolveTarget(options).api.value;
  const token = await resolveToken(url, options.token);
  const fleet = createFleet({ stations: options.stations, seed: options.seed, incidents: options.incidents });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.duration);
  // Ctrl-C ends the run early but still prints the summary of what was sent.
  const interrupt = (): void => controller.abort();
  process.once('SIGINT', interrupt);
  const bar = await progressBar(options);
  try {
    const summary = await runSimulator({
      fleet,
      intervalMs: options.interval,
      send: httpSender({ url, token }),
      signal: controller.signal,
      onTick: bar?.update,
    });
    bar?.stop();
    const report: SimulationReport = {
      url,
      stations: fleet.stations,
      seed: fleet.seed,
      incidents: options.incidents,
      intervalMs: options.interval,
      durationMs: options.duration,
      ...summary,
    };
    output(options, report, () => formatReport(report));
    // Nothing got through: scripts and CI should see the run failed, not just read it.
    if (summary.requestsOk === 0 && summary.requestsFailed > 0) process.exitCode = 1;
  } finally {
    bar?.stop();
    clearTimeout(timer);
    process.removeListener('SIGINT', interrupt);
  }
};

/** `ai-ops simulate`: a fleet of stations posting readings to any deployment's ingest API. */
export const simulateCommand = (): Command =>
  subcommand(
    'simulate',
    'Send readings of a simulated station fleet to an ingest API, with scripted incidents that raise every alert type',
  )
    .addOption(
      new Option(
        '--url <url>',
        `base URL of the HTTP API: a deployed stage's, or the local runtime (default: as --api, else ${DEFAULT_API})`,
      ),
    )
    .addOption(
      new Option('--stations <n>', 'number of stations (STATION_001..)')
        .argParser(integerIn(1, MAX_STATIONS))
        .default(10),
    )
    .addOption(
      new Option('--duration <d>', "how long to run: '60s', '5m', '1h' or seconds")
        .argParser(duration)
        .default(60_000, '60s'),
    )
    .addOption(
      new Option('--interval <ms>', 'ms between readings of each station')
        .argParser(integerIn(10, 3_600_000))
        .default(5000),
    )
    .addOption(
      new Option(
        '--token <token>',
        'bearer token with scope metrics/write; a loopback URL gets one from /local/token',
      ).env('AIOPS_TOKEN'),
    )
    .addOption(new Option('--no-incidents', 'healthy readings only: no scripted incidents'))
    .addOption(
      new Option(
        '--seed <seed>',
        'seed for repeatable readings (random when left out; the summary prints it)',
      ).argParser(integerIn(0, 2 ** 32 - 1)),
    )
    .action(simulate);
