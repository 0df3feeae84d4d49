import { z } from "zod";

/**
 * The longest TTL the app sets: 10 years. One bound for every place a TTL is typed (the key pane, a new
 * key, a namespace) and for the actions that receive it, so the browser never offers what the server refuses.
 */
export const MAX_TTL_MS = 10 * 365 * 24 * 60 * 60 * 1000;

/** A TTL in whole milliseconds, more than zero and at most `MAX_TTL_MS`. Client-safe: the actions and the form use it. */
export const ttlMsSchema = z.number().int().positive().max(MAX_TTL_MS, "A TTL is at most 10 years.");

/** Whole seconds as typed into a TTL field (`"3600"`, surrounding spaces allowed), in milliseconds. */
export const ttlSecondsTextSchema = z
  .string()
  .trim()
  .regex(/^\d+$/, "Enter a whole number of seconds.")
  .transform((text) => Number(text) * 1000)
  .pipe(ttlMsSchema);
