import "server-only";

/**
 * Which arguments of a Redis command are secrets: AUTH's password, HELLO's AUTH password, ACL SETUSER's
 * password rules, CONFIG SET of a password parameter, MIGRATE's AUTH / AUTH2 password. They are replaced
 * before the line is stored in the history or the audit log.
 */
const SECRET_CONFIG = new Set(["requirepass", "masterauth", "tls-key-file-pass", "tls-client-key-file-pass", "primaryauth"]);

const REDACTED = Buffer.from("(redacted)");

export function redisSecretArgs(args: Buffer[]): number[] {
  const word = (i: number) => args[i]?.toString("latin1").toLowerCase() ?? "";
  const name = word(0);
  const out: number[] = [];
  if (name === "auth") {
    if (args.length >= 2) out.push(args.length - 1);
  } else if (name === "hello") {
    for (let i = 1; i < args.length; i++) if (word(i) === "auth" && i + 2 < args.length + 1) out.push(i + 2);
  } else if (name === "acl" && word(1) === "setuser") {
    for (let i = 3; i < args.length; i++) if (/^[<>#!]/.test(word(i))) out.push(i);
  } else if (name === "config" && word(1) === "set") {
    for (let i = 2; i + 1 < args.length; i += 2) if (SECRET_CONFIG.has(word(i))) out.push(i + 1);
  } else if (name === "migrate") {
    for (let i = 6; i < args.length; i++) {
      if (word(i) === "keys") break;
      if (word(i) === "auth") out.push(i + 1);
      if (word(i) === "auth2") out.push(i + 2);
    }
  } else if (name === "sentinel" && word(1) === "set") {
    for (let i = 3; i + 1 < args.length; i += 2) if (/pass/.test(word(i))) out.push(i + 1);
  }
  return out.filter((i) => i < args.length);
}

/** The arguments with secrets replaced by `(redacted)`. */
export function redact(args: Buffer[], secrets: number[]): Buffer[] {
  if (!secrets.length) return args;
  const hidden = new Set(secrets);
  return args.map((arg, i) => (hidden.has(i) ? REDACTED : arg));
}
