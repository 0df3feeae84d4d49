import { DriverError, isDriverError } from "../errors";

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/;
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"]);

/**
 * Maps what ioredis and the server throw onto the stable driver codes. Redis error replies start with an
 * upper-case code word (`WRONGTYPE …`, `NOAUTH …`); socket errors carry a Node `code`.
 */
export function toDriverError(error: unknown, context?: string): DriverError {
  if (isDriverError(error)) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  const code = (err as NodeJS.ErrnoException).code ?? "";
  const message = err.message;
  const where = context ? `${context}: ` : "";
  const make = (driverCode: ConstructorParameters<typeof DriverError>[0]) =>
    new DriverError(driverCode, `${where}${message}`, { cause: err });

  if (TLS_CODES.test(code) || /\b(SSL|TLS)\b|certificate/i.test(message)) return make("TLS_FAILED");
  if (code === "ETIMEDOUT" || /timed? ?out/i.test(message)) return make("TIMEOUT");
  if (CONNECTION_CODES.has(code)) return make("CONNECTION_REFUSED");
  if (/^WRONGTYPE/.test(message)) return make("WRONG_TYPE");
  if (/^(NOAUTH|WRONGPASS)|invalid (username-)?password|AUTH .*(failed|without any password)/i.test(message)) {
    return make("AUTH_FAILED");
  }
  if (/^NOPERM/.test(message)) return make("FORBIDDEN");
  if (/^READONLY/.test(message)) return make("READ_ONLY");
  if (/^BUSYKEY/.test(message)) return make("ALREADY_EXISTS");
  if (/not an integer|not a valid float|value is not a/i.test(message)) return make("WRONG_TYPE");
  if (/^ERR no such key/.test(message)) return make("NOT_FOUND");
  if (/index out of range|^ERR (syntax error|invalid expire time|The ID specified)/i.test(message)) {
    return make("INVALID_ARGUMENT");
  }
  if (/exceeds maximum allowed size|proto-max-bulk-len|string exceeds/i.test(message)) return make("TOO_LARGE");
  if (
    /Connection is closed|Stream isn't writeable|None of startup nodes is available|Failed to refresh slots cache|All sentinels are unreachable|MaxRetriesPerRequest|ECONNREFUSED|connect E[A-Z]+/.test(
      message,
    )
  ) {
    return make("CONNECTION_REFUSED");
  }
  if (/^ERR Protocol error|Protocol error/.test(message)) return make("PROTOCOL_ERROR");
  return make("SERVER_ERROR");
}
