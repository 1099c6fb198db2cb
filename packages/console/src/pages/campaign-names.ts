import { api, ok, type Schema } from "../api";
import { useLoad } from "../ui";

/** A campaign's label: its name, else the start of its message, else its id. */
export const campaignLabel = (j: Pick<Schema<"BulkSend">, "id" | "name" | "message_content">) => j.name ?? (j.message_content ?? j.id).slice(0, 30);

const known = new Map<string, Promise<string | null>>();

/** The label of one campaign, read once per page load (null when it is gone or the key may not read bulk sends). */
const labelOf = (id: string) => {
  let p = known.get(id);
  if (!p) {
    p = ok(api().GET("/bulk-send/{id}", { params: { path: { id } } })).then(
      (j) => campaignLabel(j as Schema<"BulkSend">),
      () => null,
    );
    known.set(id, p);
  }
  return p;
};

/** Labels of the campaigns these ids name (each read once), for lists that show which campaign a row belongs to. */
export const useCampaignLabels = (ids: (string | null | undefined)[]) => {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))].sort();
  return useLoad(
    async () => new Map((await Promise.all(wanted.map(async (id) => [id, await labelOf(id)] as const))).filter((e): e is [string, string] => e[1] !== null)),
    [wanted.join(",")],
  );
};
