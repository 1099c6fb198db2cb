import { useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { Link } from "../router";
import { ErrorText, Loading, NextPage, num, Page, StatusBadge, StatusFilter, TableWrap, useLoad, when } from "../ui";

type Job = Schema<"BulkSend">;
const STATUSES = ["pending", "running", "paused", "completed", "cancelled", "failed"] as const;

export const Sends = () => {
  const [status, setStatus] = useState<(typeof STATUSES)[number] | "">("");
  const [cursor, setCursor] = useState<string>();
  const list = useLoad(
    async () =>
      (await ok(api().GET("/bulk-send", { params: { query: { limit: 50, cursor, ...(status ? { status } : {}) } } }))) as {
        jobs: Job[];
        next_cursor: string | null;
      },
    [status, cursor],
  );
  return (
    <Page
      title="Bulk sends"
      actions={
        <Link to="/sends/new" class="button">
          New bulk send
        </Link>
      }
    >
      <StatusFilter
        label="Status"
        value={status}
        statuses={STATUSES}
        onChange={(s) => {
          setStatus(s);
          setCursor(undefined);
        }}
      />
      <ErrorText error={list.error} />
      {!list.data ? (
        <Loading what="bulk sends" />
      ) : list.data.jobs.length === 0 ? (
        <p>No bulk sends{status ? ` with status ${status}` : ""}.</p>
      ) : (
        <TableWrap label="Bulk sends">
          <caption>Bulk sends, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Campaign</th>
              <th scope="col">Status</th>
              <th scope="col">Sent</th>
              <th scope="col">Total</th>
              <th scope="col">Failed</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {list.data.jobs.map((j) => (
              <tr key={j.id}>
                <td>
                  <Link to={`/sends/${j.id}`}>{j.name ?? (j.message_content ? j.message_content.slice(0, 40) : j.id)}</Link>
                  <small class="block">{j.id}</small>
                </td>
                <td>
                  <StatusBadge status={j.status} />
                </td>
                <td class="num">{num(j.sent_count)}</td>
                <td class="num">{num(j.total_recipients)}</td>
                <td class="num">{num(j.failed_count)}</td>
                <td>{when(j.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      <NextPage cursor={list.data?.next_cursor} onNext={setCursor} />
    </Page>
  );
};
