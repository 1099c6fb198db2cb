import { api, ok, type Schema } from "../api";
import { ErrorText, Loading, num, Page, useLoad } from "../ui";
import { OptOuts } from "./optouts";
import { UsageCharts } from "./usage-charts";

/** The first day of the month after `month` (`YYYY-MM`, UTC): when the monthly quota starts again. */
const resetDay = (month: string) => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" }).format(Date.UTC(y, m, 1));
};

export const Usage = () => {
  const usage = useLoad(async () => (await ok(api().GET("/usage/current"))) as Schema<"Usage">);
  const u = usage.data;
  return (
    <Page title="Usage & opt-outs">
      <ErrorText error={usage.error} />
      {!u ? (
        <Loading what="usage" />
      ) : (
        <section class="card" aria-labelledby="usage-h">
          <h2 id="usage-h">
            This month ({u.month}) · plan {u.plan}
          </h2>
          <div class="meter-line">
            <label for="usage-meter">Messages</label>
            {u.limit_messages === null ? (
              <span>{num(u.total_messages)} (no monthly limit)</span>
            ) : (
              <>
                <meter
                  id="usage-meter"
                  min={0}
                  max={u.limit_messages}
                  low={u.limit_messages * 0.7}
                  high={u.limit_messages * 0.9}
                  optimum={0}
                  value={u.total_messages}
                />
                <span>
                  {num(u.total_messages)} of {num(u.limit_messages)} ({u.usage_percentage} %)
                </span>
                <strong class="block" data-testid="quota-left">
                  {num(Math.max(0, u.limit_messages - u.total_messages - u.reserved_messages))} messages left · resets {resetDay(u.month)}
                </strong>
              </>
            )}
          </div>
          <dl class="counters">
            <div>
              <dt>Reserved</dt>
              <dd>{num(u.reserved_messages)}</dd>
            </div>
            <div>
              <dt>Sent</dt>
              <dd>{num(u.messages_sent)}</dd>
            </div>
            <div>
              <dt>Received</dt>
              <dd>{num(u.messages_received)}</dd>
            </div>
            <div>
              <dt>API calls</dt>
              <dd>{num(u.api_calls)}</dd>
            </div>
            <div>
              <dt>Groups</dt>
              <dd>{num(u.custom_groups)}</dd>
            </div>
            <div>
              <dt>Reports</dt>
              <dd>{num(u.reports)}</dd>
            </div>
          </dl>
        </section>
      )}
      <UsageCharts />
      <OptOuts />
    </Page>
  );
};
