import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartColumns, type Metric, READINGS, type ReadingKey } from './model';

interface ChartProps {
  metrics: readonly Metric[];
  /** The rule's threshold, drawn as a dashed line on the reading it applies to. */
  threshold?: { key: ReadingKey; value: number } | undefined;
  /** A marker (the alert's creation), epoch ms. */
  markAt?: number;
  title: string;
}

/** uPlot draws on a canvas; the readings are also listed in the figure's caption for screen readers. */
export const ReadingsChart = ({ metrics, threshold, markAt, title }: ChartProps) => {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element || metrics.length === 0) return undefined;
    const columns = chartColumns(metrics);
    const series: uPlot.Series[] = [
      {},
      ...READINGS.map((r) => ({
        label: r.label,
        stroke: r.colour,
        width: 2,
        points: { show: true, size: 5 },
      })),
    ];
    const data: (number | null)[][] = [...columns];
    if (threshold) {
      const reading = READINGS.find((r) => r.key === threshold.key);
      series.push({
        label: `threshold (${reading?.label ?? threshold.key})`,
        stroke: '#c62828',
        dash: [6, 4],
        width: 2,
        points: { show: false },
      });
      data.push((columns[0] ?? []).map(() => threshold.value));
    }
    const width = Math.max(280, Math.min(element.clientWidth || 800, 1100));
    const plot = new uPlot(
      {
        width,
        height: 260,
        series,
        hooks: markAt
          ? {
              draw: [
                (u: uPlot) => {
                  const x = u.valToPos(markAt / 1000, 'x', true);
                  const { ctx } = u;
                  ctx.save();
                  ctx.strokeStyle = '#ef6c00';
                  ctx.beginPath();
                  ctx.moveTo(x, u.bbox.top);
                  ctx.lineTo(x, u.bbox.top + u.bbox.height);
                  ctx.stroke();
                  ctx.restore();
                },
              ],
            }
          : {},
      },
      data as uPlot.AlignedData,
      element,
    );
    return () => plot.destroy();
  }, [metrics, threshold?.key, threshold?.value, markAt]);
  return (
    <figure class="chart">
      <figcaption>
        {title}: {metrics.length} readings
        {threshold ? `, threshold ${threshold.value}` : ''}
      </figcaption>
      {metrics.length === 0 ? (
        <p>No readings in this window.</p>
      ) : (
        <div ref={host} data-points={metrics.length} />
      )}
    </figure>
  );
};
