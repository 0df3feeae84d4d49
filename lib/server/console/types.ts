import "server-only";
import type { LoadedConnection } from "../../connections/load";
import type { CommandDoc } from "../../wire/console";

/**
 * What a command is, for the role rules: `read` (viewers), `inspect` (admins: server state that changes
 * nothing), `write` (editors: key writes), `admin` (admins: everything else). `write` and `admin` are refused
 * on read-only connections, audited, and need the typed confirmation on production ones.
 */
export type CommandClass = "read" | "inspect" | "write" | "admin";

/** What the console will do with one command, decided before anything is sent. */
export interface Plan {
  /** Upper case, with the sub-command: `CONFIG SET`. */
  name: string;
  class: CommandClass;
  /** The key that routes the command and names it in the audit log. */
  key: Buffer | null;
  /** Set when the command is on the deny list (the profile may open it by this name). */
  deny: string | null;
  /** Why this deny-listed command is closed here, and what to run instead (KEYS on a big keyspace: SCAN). */
  denyNote?: string;
  offer?: string;
  /** Refused whoever asks, with what to run instead. */
  refusal?: { code: "UNSUPPORTED" | "TOO_LARGE" | "INVALID_ARGUMENT"; message: string; suggestion?: string };
  /** Keep reading push messages this long (an opened SUBSCRIBE or MONITOR). */
  collectMs?: number;
}

/** One command language: its documentation, how it plans a command, and which arguments are secrets. */
export interface Dialect {
  docs(connection: LoadedConnection): Promise<CommandDoc[]>;
  plan(connection: LoadedConnection, args: Buffer[]): Promise<Plan>;
  /** Indexes of arguments that hold a secret (a password), replaced before anything is stored. */
  secrets(args: Buffer[]): number[];
}
