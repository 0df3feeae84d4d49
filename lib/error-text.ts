/**
 * Failures as people read them: what happened and what to do, in a sentence. The stable code and the raw
 * text the server or driver gave stay available for a collapsible detail (and for searching the logs).
 * The one place error codes become words; pure, used by every component that shows a failure.
 */
import type { ErrorCode } from "./wire/errors";

export interface Failure {
  code: ErrorCode;
  message: string;
}

interface ExplainedFailure {
  /** What happened and what to do. */
  summary: string;
  code: ErrorCode;
  /** The raw text, shown only in the detail; null when the summary is that text already. */
  raw: string | null;
}

/** `json: unexpected character at byte 11` → the format a value failed to parse as. */
const FORMAT_NAMES: Record<string, string> = {
  json: "JSON",
  pickle: "a Python literal for pickle",
  msgpack: "a Python literal for msgpack",
  repr: "a Python literal",
  text: "text",
  hex: "hex",
  base64: "base64",
  counter: "a number",
  int64: "a whole number",
  binary: "bytes",
  compressed: "compressed data",
};

const SUMMARIES: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: "You are signed out: the session ended, expired or was revoked. Sign in again to go on.",
  CONNECTION_REFUSED: "Could not reach the server: nothing answered at that address. Check that it is running and that the host and port are right.",
  TIMEOUT: "The server did not answer in time. It may be overloaded or unreachable; try again, or raise the connection's timeout.",
  AUTH_FAILED: "The server refused the credentials. Check the username and password.",
  TLS_FAILED: "The secure (TLS) connection could not be set up. Check the TLS settings and certificates.",
  WRONG_TYPE: "This key holds another type of value than the operation expects. Reload the key to see what it holds now.",
  NOT_FOUND: "It does not exist any more: it expired, or someone deleted it. Reload to see the current state.",
  CONFLICT: "It changed since it was loaded, so nothing was written. Reload to see the current value and try again.",
  READ_ONLY: "This connection or server is read-only: nothing can be changed through it.",
  TOO_LARGE: "It is larger than this server or page accepts.",
  UNSUPPORTED: "This server does not support that operation.",
  CANCELLED: "The operation was cancelled.",
  FORBIDDEN: "Your role does not allow this. Ask an admin.",
  PROTOCOL_ERROR: "The server answered something Cacheboard could not understand. Check that the address points at the right kind of server.",
  SERVER_ERROR: "The server reported an error.",
  SECRET_UNREADABLE: "The connection's stored password cannot be read with this server's secret key. An admin must enter it again.",
  NETWORK: "Cacheboard's server could not be reached. Check your network and try again.",
  INTERNAL: "Something went wrong on Cacheboard's server. The server log has the details.",
  RATE_LIMITED: "Too many attempts. Wait a moment and try again.",
};

/** Codes whose server message is already a sentence written for people: shown as it is. */
const MESSAGE_IS_PROSE = new Set<ErrorCode>([
  "ALREADY_EXISTS",
  "CONFIRMATION_REQUIRED",
  "LAST_ADMIN",
  "MANAGED",
  "SECRET_REQUIRED",
  "RATE_LIMITED",
  "DATABASE_UNAVAILABLE",
  "PLUGIN_MISSING",
]);

function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  // "uWSGI …", "iOS …": a name spelled with a small first letter keeps it.
  const capital = /^[a-z][A-Z]/.test(trimmed) ? trimmed : trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

export function explainFailure(failure: Failure): ExplainedFailure {
  const { code, message } = failure;
  if (MESSAGE_IS_PROSE.has(code) && message) return { summary: sentence(message), code, raw: null };
  if (code === "INVALID_ARGUMENT") {
    const format = /^([a-z0-9]+): (.+)$/.exec(message);
    if (format && FORMAT_NAMES[format[1]!]) {
      return { summary: `This is not valid ${FORMAT_NAMES[format[1]!]} (${format[2]}). Correct it and try again.`, code, raw: message };
    }
    return { summary: message ? `${sentence(message)} Correct it and try again.` : "The input was not accepted. Correct it and try again.", code, raw: null };
  }
  const summary = SUMMARIES[code];
  if (summary) return { summary, code, raw: message && message !== summary ? message : null };
  // An app-level refusal (NOT_FOUND of a user, a validation message…): its message is written for people.
  return { summary: message ? sentence(message) : "The operation failed.", code, raw: null };
}

/** One line for places that only take text (a title attribute, a log). */
export function failureLine(failure: Failure): string {
  const { summary, code } = explainFailure(failure);
  return `${summary} (${code})`;
}
