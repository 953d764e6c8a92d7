import { Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../../local/simulator/duration';
import { output } from '../common-options';
import { type CostReport, costOf, defaultAlertsPerDay } from '../cost/model';
import { DEFAULT_COST_REGION, PRICES_READ_ON, REGION_PRICES } from '../cost/prices';

interface CostOptions {
  stations: number;
  interval: number;
  alertsPerDay?: number;
  region: string;
  json: boolean;
}

const alertsPerDay = (value: string): number => {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0)
    throw new InvalidArgumentError(`--alerts-per-day must be a number >= 0, got '${value}'`);
  return parsed;
};

const stationCount = (value: string): number => {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isInteger(parsed) || parsed <= 0)
    throw new InvalidArgumentError(`--stations must be a whole number > 0, got '${value}'`);
  return parsed;
};

const intervalSeconds = (value: string): number => {
  try {
    return parseDuration(value) / 1000;
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
};

const knownRegion = (value: string): string => {
  if (!REGION_PRICES[value])
    throw new InvalidArgumentError(
      `no price table for region '${value}' (known: ${Object.keys(REGION_PRICES).join(', ')})`,
    );
  return value;
};

const usd = (value: number): string =>
  value >= 0.01 || value === 0 ? `$${value.toFixed(2)}` : `$${value.toPrecision(2)}`;

const quantity = (value: number): string =>
  value >= 1000 ? Math.round(value).toLocaleString('en-US') : String(Number(value.toPrecision(3)));

const render = (report: CostReport): string => {
  const { input } = report;
  const rows = report.lines.map((l) => [l.service, l.item, `${quantity(l.quantity)} ${l.unit}`, usd(l.usd)]);
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const table = rows.map(
    ([service, item, q, cost]) =>
      `${(service ?? '').padEnd(widths[0] ?? 0)}  ${(item ?? '').padEnd(widths[1] ?? 0)}  ${(q ?? '').padStart(widths[2] ?? 0)}  ${(cost ?? '').padStart(10)}`,
  );
  return [
    `${input.stations.toLocaleString('en-US')} stations, a reading every ${input.intervalS} s, ${quantity(input.alertsPerDay)} alerts a day, ${input.region}: ${quantity(report.metricsPerMonth)} readings a month`,
    ...table,
    `total ${usd(report.total)} per month (USD; free tier NOT subtracted; prices read ${report.prices.readOn}; per-metric figures from ${report.measured.benchmark} on ${report.measured.date}, docs/scale.md)`,
  ].join('\n');
};

/** `ai-ops cost`: what a fleet's month costs in AWS, by service and line item. */
export const costCommand = (): Command =>
  new Command('cost')
    .description(
      'monthly AWS cost of a fleet, by service and line item (list prices, free tier not subtracted)',
    )
    .requiredOption('--stations <n>', 'stations in the fleet', stationCount)
    .requiredOption(
      '--interval <duration>',
      'time between two readings of a station: 5s, 1m',
      intervalSeconds,
    )
    .addOption(
      new Option(
        '--alerts-per-day <k>',
        'alerts raised a day (default: one per station every 10 days)',
      ).argParser(alertsPerDay),
    )
    .addOption(
      new Option(
        '--region <region>',
        `AWS region of the price table (${Object.keys(REGION_PRICES).join(', ')})`,
      )
        .default(DEFAULT_COST_REGION)
        .argParser(knownRegion),
    )
    .option('--json', 'the same lines as JSON, with the total in USD per month', false)
    .action((options: CostOptions) => {
      const report = costOf(
        {
          stations: options.stations,
          intervalS: options.interval,
          alertsPerDay: options.alertsPerDay ?? defaultAlertsPerDay(options.stations),
          region: options.region,
        },
        undefined,
        PRICES_READ_ON,
      );
      output({ json: options.json }, report, () => render(report));
    });
