/** ISO 8601 durations for the test clock: `P1Y2M3W4DT5H6M7.5S`; years and months are calendar months (UTC). */
import { AppError } from '../../base/errors.js';

const PATTERN = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function addIsoDuration(from: Date, duration: string): Date {
  const m = PATTERN.exec(duration);
  if (!m || duration === 'P' || duration.endsWith('T'))
    throw new AppError(
      'VALIDATION_FAILED',
      `"${duration}" is not an ISO 8601 duration such as P5D or PT2H.`,
      `“${duration}”不是有效的 ISO 8601 时长（如 P5D、PT2H）。`,
      {
        issues: [{ path: 'advanceBy', message: 'not an ISO 8601 duration' }],
      },
    );
  const n = (i: number) => Number(m[i] ?? 0);
  const d = new Date(from.getTime());
  d.setUTCMonth(d.getUTCMonth() + n(1) * 12 + n(2));
  const ms = ((n(3) * 7 + n(4)) * 24 + n(5)) * 3_600_000 + n(6) * 60_000 + n(7) * 1000;
  return new Date(d.getTime() + ms);
}
