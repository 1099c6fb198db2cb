import { GRANTS, type Role, type Target } from "./grants";

/**
 * Least privilege, built from one table (infra/grants.ts). SST's `link` grants `dynamodb:*` on a linked
 * table and `sqs:*` on a linked queue to every role that links it; here a link only carries the
 * properties the code reads through `Resource` (table name, queue URL), and each role gets exactly the
 * actions infra/grants.ts lists for it — the same table the stage test enforces on every AWS call.
 */
sst.Linkable.wrap(sst.aws.Dynamo, (table) => ({ properties: { name: table.name } }));
sst.Linkable.wrap(sst.aws.Queue, (queue) => ({ properties: { url: queue.url } }));

type Statement = { actions: string[]; resources: $util.Input<string>[] };

/** The ARNs each target of the grants table stands for on this stage. */
export type TargetArns = Record<Target, $util.Input<string>[]>;

/** One IAM statement per grant of `role` (those SST's own components add are left to them). */
export const statementsOf = (role: Role, arns: Partial<TargetArns>): Statement[] =>
  GRANTS[role]
    .filter((g) => g.by !== "sst")
    .map((g) => {
      const resources = arns[g.target];
      if (!resources?.length) throw new Error(`infra: no ARN for "${g.target}", which role "${role}" is granted (infra/grants.ts)`);
      return { actions: [...g.actions], resources };
    });

/** The same statements as an IAM policy document (inline policies of roles infra creates itself). */
export const policyOf = (role: Role, arns: Partial<TargetArns>) =>
  $jsonStringify({
    Version: "2012-10-17",
    Statement: statementsOf(role, arns).map((s) => ({ Effect: "Allow", Action: s.actions, Resource: s.resources })),
  });
