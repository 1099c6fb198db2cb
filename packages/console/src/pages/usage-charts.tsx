import { api, ok } from "../api";
import { ErrorText, Loading, num, useLoad } from "../ui";

interface Series {
  name: string;
  /** CSS class of its bars and legend swatch. */
  cls: string;
  values: number[];
}

const W = 640;
const H = 200;
const PAD = { top: 10, right: 8, bottom: 28, left: 40 };

/** A readable top of the scale: 1, 2, 5 × 10^n at or above `max`. */
const niceMax = (max: number) => {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].find((m) => m * p >= max) ?? 10) * p;
};

/**
 * Grouped bars as an SVG picture (no chart library: the console's JS budget), with a text equivalent
 * for screen readers in its `<title>`/`<desc>`. Colours come from CSS classes (the page's CSP has no
 * inline styles).
 */
export const BarChart = ({ id, title, labels, series, every = 1 }: { id: string; title: string; labels: string[]; series: Series[]; every?: number }) => {
  const top = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, labels.length);
  const bar = Math.max(1, (slot * 0.8) / series.length);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const desc = labels.map((l, i) => `${l}: ${series.map((s) => `${num(s.values[i] ?? 0)} ${s.name}`).join(", ")}`).join("; ");
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`} data-chart={id}>
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{desc}</desc>
        {[0, 0.5, 1].map((f) => (
          <g key={f} class="grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(top * f)} y2={y(top * f)} />
            <text x={PAD.left - 4} y={y(top * f) + 4} text-anchor="end">
              {num(Math.round(top * f))}
            </text>
          </g>
        ))}
        {labels.map((l, i) => (
          <g key={l} class="bar-group">
            {series.map((s, j) => {
              const v = s.values[i] ?? 0;
              return (
                <rect
                  key={s.name}
                  class={s.cls}
                  x={PAD.left + i * slot + slot * 0.1 + j * bar}
                  y={y(v)}
                  width={bar}
                  height={Math.max(0, PAD.top + plotH - y(v))}
                />
              );
            })}
            {i % every === 0 ? (
              <text class="axis" x={PAD.left + i * slot + slot / 2} y={H - 10} text-anchor="middle">
                {l}
              </text>
            ) : null}
          </g>
        ))}
      </svg>
      <figcaption>
        {title}:{" "}
        {series.map((s) => (
          <span key={s.name} class="legend">
            <svg viewBox="0 0 10 10" class="swatch" aria-hidden="true">
              <rect class={s.cls} width="10" height="10" />
            </svg>{" "}
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
};

/** The last 30 days and the last six months, from `/usage/daily` and `/usage/history`. */
export const UsageCharts = () => {
  const daily = useLoad(async () => (await ok(api().GET("/usage/daily", { params: { query: { days: 30 } } }))).days);
  const monthly = useLoad(async () => (await ok(api().GET("/usage/history", { params: { query: { months: 6 } } }))).history);
  return (
    <section class="card" aria-labelledby="charts-h">
      <h2 id="charts-h">History</h2>
      <ErrorText error={daily.error ?? monthly.error} />
      {daily.data ? (
        <BarChart
          id="daily"
          title="Messages per day, last 30 days (UTC)"
          labels={daily.data.map((d) => d.date.slice(5))}
          every={5}
          series={[
            { name: "sent", cls: "c-sent", values: daily.data.map((d) => d.messages_sent) },
            { name: "received", cls: "c-received", values: daily.data.map((d) => d.messages_received) },
          ]}
        />
      ) : (
        <Loading what="daily usage" />
      )}
      {monthly.data ? (
        <BarChart
          id="monthly"
          title="Messages per month, last 6 months (UTC)"
          labels={monthly.data.map((m) => m.period)}
          series={[
            { name: "sent", cls: "c-sent", values: monthly.data.map((m) => m.messages_sent) },
            { name: "received", cls: "c-received", values: monthly.data.map((m) => m.messages_received) },
          ]}
        />
      ) : (
        <Loading what="monthly usage" />
      )}
    </section>
  );
};
