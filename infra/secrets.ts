/**
 * The key that encrypts WhatsApp auth state (AES-256-GCM) before it is written to DynamoDB, so a
 * table export or a read-only table role cannot take over a session. 64 hex characters:
 *   npx sst secret set AuthStateKey "$(openssl rand -hex 32)" --stage prod
 * Changing it later means pairing every session again.
 *
 * The worker does not `link` the secret (SST would write its value into the task definition's plain
 * `environment`, readable with `ecs:DescribeTaskDefinition`). It is copied into an SSM SecureString
 * parameter instead, and ECS injects that by reference (`ssm`/`valueFrom`) as `AUTH_STATE_KEY_ENV`
 * when the task starts: the task definition holds only the parameter's ARN.
 */
export const authStateKey = new sst.Secret("AuthStateKey");

/** The environment variable the worker reads the key from (hex); it refuses to start without it. */
export const AUTH_STATE_KEY_ENV = "OUTREACH_AUTH_STATE_KEY";

export const authStateKeyParameter = new aws.ssm.Parameter("AuthStateKeyParameter", {
  name: `/${$app.name}/${$app.stage}/auth-state-key`,
  type: "SecureString",
  value: authStateKey.value,
  description: "Outreach: key of the WhatsApp auth state in DynamoDB (64 hex characters)",
});

/**
 * The key that seals list cursors (AES-256-GCM, bound to the list they page), so a `next_cursor`
 * shows nothing of the table's key layout or tenant ids and cannot be made up or moved to another
 * list. 64 hex characters, set once per stage:
 *   npx sst secret set CursorKey "$(openssl rand -hex 32)" --stage prod
 * Linked to the API function only (every instance must share it; changing it only ends the cursors
 * in flight). It is not a credential: a leak lets no one read another tenant's data, since a cursor's
 * partition is checked against the query's after it is opened.
 */
export const cursorKey = new sst.Secret("CursorKey");
