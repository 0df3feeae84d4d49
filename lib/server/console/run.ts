import "server-only";
import { completeAudit, openAudit, recordAudit, type AuditInput } from "../../audit/record";
import { can, roleFor, type Permission } from "../../auth/permissions";
import type { SignedIn } from "../../auth/session";
import { consoleConfirmation } from "../../confirmation";
import type { LoadedConnection } from "../../connections/load";
import { isDriverError } from "../../drivers/errors";
import { REPLY_LIMITS, type ConsoleRefusal, type ConsoleRunReply, type ConsoleValue } from "../../wire/console";
import { ArgsError, joinArgs, splitArgs } from "../../wire/console-args";
import type { ErrorCode } from "../../wire/errors";
import { Refusal } from "../refusal";
import { consoleOf } from "./dialects";
import { appendHistory } from "./history";
import { redact } from "./redact";
import type { CommandClass, Plan } from "./types";

/**
 * One console line, start to end: split like redis-cli, planned by the connection's dialect (class, key,
 * deny list, refusals), checked against the person's role, the read-only flag and the production
 * confirmation, audited (every class but `read` and `inspect`, and any line that carries a secret) before it is
 * sent, run with the reply cut to the limits, and stored in the person's history with its secrets redacted.
 */

const PERMISSION: Record<CommandClass, Permission> = {
  read: "console.read",
  inspect: "console.inspect",
  write: "console.write",
  admin: "console.admin",
};

function summary(value: ConsoleValue): string {
  switch (value.t) {
    case "simple":
      return value.text;
    case "error":
      return `(error) ${value.text}`;
    case "int":
      return `(integer) ${value.value}`;
    case "double":
    case "bignum":
      return value.value;
    case "bool":
      return String(value.value);
    case "null":
      return "(nil)";
    case "blob":
      return `(${value.size} bytes)`;
    case "map":
      return `(map of ${value.total})`;
    default:
      return `(${value.t} of ${value.total})`;
  }
}

interface RunInput {
  signedIn: SignedIn;
  connection: LoadedConnection;
  line: string;
  confirm?: string;
  clientAddress: string | null;
}

export async function runConsoleLine(input: RunInput): Promise<ConsoleRunReply | ConsoleRefusal> {
  const { signedIn, connection, line } = input;
  const { profile } = connection;
  const { dialect, runner } = consoleOf(connection);

  let parsed: Uint8Array[];
  try {
    parsed = splitArgs(line);
  } catch (error) {
    if (error instanceof ArgsError) return { ok: false, code: "INVALID_ARGUMENT", message: error.message };
    throw error;
  }
  if (!parsed.length) return { ok: false, code: "INVALID_ARGUMENT", message: "Type a command." };
  const args = parsed.map((a) => Buffer.from(a));
  const secrets = dialect.secrets(args);
  const shown = redact(args, secrets);
  const shownLine = secrets.length ? joinArgs(shown) : line;
  await appendHistory(signedIn.user.id, profile.id, shownLine.slice(0, 64 * 1024));

  const plan: Plan = await dialect.plan(connection, args);
  const audited = (plan.class !== "read" && plan.class !== "inspect") || secrets.length > 0;
  const actor = { id: signedIn.user.id, email: signedIn.user.email };
  const entry = (outcome: AuditInput["outcome"], detail: Record<string, unknown>, error?: { code: ErrorCode; message: string }): AuditInput => ({
    actor,
    connection: { id: profile.id, name: profile.name },
    action: "console.run",
    targetKey: plan.key,
    detail: { command: shownLine.slice(0, 2000), class: plan.class, ...detail },
    outcome,
    error,
    clientAddress: input.clientAddress,
  });
  const refuse = async (code: ErrorCode, message: string, extra: Partial<ConsoleRefusal> = {}): Promise<ConsoleRefusal> => {
    if (audited) await recordAudit(entry("denied", {}, { code, message }));
    return { ok: false, code, message, ...extra };
  };

  if (plan.refusal) return refuse(plan.refusal.code, plan.refusal.message, plan.refusal.suggestion ? { suggestion: plan.refusal.suggestion } : {});
  const permission = PERMISSION[plan.class];
  if (!can(signedIn.user, permission)) {
    const what = plan.class === "read" ? "reads" : plan.class === "write" ? "writes keys" : "changes the server";
    return refuse("FORBIDDEN", `${plan.name} ${plan.class === "inspect" ? "shows server state" : what}: it needs the ${roleFor(permission)} role.`);
  }
  if (!can(signedIn.user, permission, profile)) return refuse("READ_ONLY", `The connection "${profile.name}" is read-only: ${plan.name} writes, so it is refused.`);
  if (plan.deny && !profile.consoleAllow.includes(plan.deny)) {
    return refuse(
      "FORBIDDEN",
      `${plan.deny} is on the console's deny list. ${plan.denyNote ?? "An admin can open it for this connection in its profile (Console: deny-listed commands opened to admins)."}`,
      plan.offer ? { suggestion: plan.offer } : {},
    );
  }
  if (profile.environment === "production" && (plan.class === "write" || plan.class === "admin")) {
    const expected = consoleConfirmation(plan.name);
    if (input.confirm !== expected) {
      return { ok: false, code: "CONFIRMATION_REQUIRED", message: `This is a production connection: type "${expected}" to run this ${plan.class === "write" ? "write" : "command"}.`, confirm: expected };
    }
  }

  const entryId = audited ? await openAudit(entry("ok", {})) : null;
  const started = performance.now();
  try {
    const { reply, node } = await runner.run(args, { routeKey: plan.key, limits: REPLY_LIMITS, collectMs: plan.collectMs });
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    if (entryId !== null) {
      const detail = { node, reply: summary(reply).slice(0, 300) };
      await completeAudit(entryId, reply.t === "error" ? entry("error", detail, { code: "SERVER_ERROR", message: reply.text }) : entry("ok", detail)).catch((error: unknown) => {
        console.error("Could not complete audit entry", entryId, error);
      });
    }
    return { ok: true, reply, node, durationMs };
  } catch (error) {
    if (entryId !== null) {
      const failure: { code: ErrorCode; message: string } = isDriverError(error) || error instanceof Refusal ? { code: error.code, message: error.message } : { code: "INTERNAL", message: "Unexpected server error" };
      await completeAudit(entryId, entry("error", {}, failure)).catch(() => undefined);
    }
    throw error;
  }
}
