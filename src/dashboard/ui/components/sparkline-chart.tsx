/** A node's round trips over the last minute, as lines with gaps where it did not answer. */
import { RTT_HISTORY } from '../../protocol.js';
import { sparkline } from '../sparkline.js';

const WIDTH = 240;
const HEIGHT = 48;

export function SparklineChart(props: { values: Array<number | null>; label: string }) {
  const { segments, max } = sparkline(props.values, {
    width: WIDTH,
    height: HEIGHT,
    slots: RTT_HISTORY,
    minMax: 50,
  });
  return (
    <svg
      class="sparkline"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={props.label}
    >
      <title>{`${props.label} (max ${Math.round(max)} ms)`}</title>
      {segments.map((points) => (
        <polyline key={points} points={points} vector-effect="non-scaling-stroke" />
      ))}
    </svg>
  );
}
