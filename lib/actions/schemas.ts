import { z } from "zod";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "Enter an email address." }));

/**
 * A key or value as it travels from the browser: base64 of the exact bytes, in the standard or the URL-safe
 * alphabet (`keyToParam`), padding optional.
 */
export const bytesSchema = z
  .string()
  .regex(/^(?:[A-Za-z0-9+/]*={0,2}|[A-Za-z0-9_-]*)$/, "Not base64")
  .transform((text) => Buffer.from(text, "base64"));

export const connectionIdSchema = z.string().min(1).max(64);
