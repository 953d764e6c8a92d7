/** Text helpers shared by the rules, so every description reads the same way. */

/** Whole numbers as they are, others to one decimal: operators read these on a phone. */
export const formatNumber = (value: number): string =>
  Number.isInteger(value) ? String(value) : String(Math.round(value * 10) / 10);

export const formatCount = (count: number, singular: string, plural = `${singular}s`): string =>
  `${formatNumber(count)} ${count === 1 ? singular : plural}`;

/** A stock-left estimate; minutes below 90 because "1.3 hours" is harder to act on than "78 minutes". */
export const formatDuration = (hours: number): string => {
  const minutes = hours * 60;
  if (minutes < 1) return 'less than a minute';
  if (minutes < 90) return `about ${formatCount(Math.round(minutes), 'minute')}`;
  return `about ${formatCount(Math.round(hours * 10) / 10, 'hour')}`;
};

/** The window length as prose ("5 minutes"); seconds only when the configured window is not whole minutes. */
export const formatWindow = (windowMs: number): string =>
  windowMs % 60_000 === 0 ? formatCount(windowMs / 60_000, 'minute') : formatCount(windowMs / 1000, 'second');

/** "85%" or "80.1%-88%": one figure when the readings agree. */
export const formatRange = (min: number, max: number, unit: string): string =>
  min === max ? `${formatNumber(min)}${unit}` : `${formatNumber(min)}${unit}-${formatNumber(max)}${unit}`;
