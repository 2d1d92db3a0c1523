/** Where a bar segment is drawn (Recharts' BarShapeProps carry these, among others). */
export interface BarGeometry {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  fill?: string;
}

/**
 * Renders a bar segment that is a real button for the pointer, the keyboard and tests: it
 * carries what it stands for (`data-filter`) and applies that filter when activated. A render
 * function (Recharts calls `shape(props)`), not a component, so no component is made per render.
 */
export function renderClickableBar(
  props: BarGeometry,
  filter: string | undefined,
  onFilter: (filter: string) => void,
  /** The pointer's tooltip (an SVG title), for charts drawn without Recharts' Tooltip. */
  title?: string,
) {
  const { x, y, width, height, fill } = props;
  if (!width || !height || width <= 0 || height <= 0) return <g />;
  return (
    <rect
      x={x}
      y={y}
      width={width}
      height={height}
      fill={fill}
      className="chart-bar"
      role={filter ? 'button' : undefined}
      tabIndex={filter ? 0 : undefined}
      aria-label={filter ? `Filter traffic: ${filter}` : undefined}
      data-filter={filter}
      style={{ cursor: filter ? 'pointer' : 'default' }}
      onClick={() => filter && onFilter(filter)}
      onKeyDown={(event) => {
        if (filter && (event.key === 'Enter' || event.key === ' ')) {
          event.preventDefault();
          onFilter(filter);
        }
      }}
    >
      {title !== undefined && <title>{title}</title>}
    </rect>
  );
}
