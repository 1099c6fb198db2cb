// node bench/profile/requests.mjs <requests-<pid>.json> [seconds]: the requests of the last `seconds`
// (default 50) before the process's stop, ending 2 s before it (the fleet bench's window ends at the
// stop), by operation and per message; messages are the sandbox outbox's `PutItem`s (one per message sent).
import { readFileSync } from "node:fs";

const taken = JSON.parse(readFileSync(process.argv[2], "utf8"));
const seconds = Number(process.argv[3] ?? 50);
const last = taken.at(-1).at;
const end = taken.findLast((t) => t.at <= last - 2000);
const start = taken.findLast((t) => t.at <= end.at - seconds * 1000);
const ops = new Set([...Object.keys(end.counts), ...Object.keys(start.counts)]);
const diff = [...ops].map((op) => [op, (end.counts[op] ?? 0) - (start.counts[op] ?? 0)]).filter(([, n]) => n > 0);
diff.sort((a, b) => b[1] - a[1]);
const messages = diff.find(([op]) => op === "PutItem (sandbox)")?.[1] ?? 0;
const all = diff.reduce((a, [, n]) => a + n, 0);
console.log(`window ${((end.at - start.at) / 1000).toFixed(0)} s, messages (the sandbox's PutItem) ${messages}`);
for (const [op, n] of diff) console.log(`${op.padEnd(30)} ${String(n).padStart(6)}  ${(n / messages).toFixed(2)} per message`);
console.log(`${"all".padEnd(30)} ${String(all).padStart(6)}  ${(all / messages).toFixed(2)} per message`);
