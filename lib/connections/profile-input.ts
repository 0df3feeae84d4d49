import "server-only";
import { z } from "zod";
import { DEFAULT_TIMEOUT_MS } from "../drivers/limits";
import { KIND_NAMES, kindOf, parseSettings } from "../kinds";
import { ENVIRONMENT_NAMES, SCAN_COUNT_RANGE, SCAN_PAUSE_RANGE, VALUE_FORMATS } from "./profile-options";

const kinds = KIND_NAMES;

/**
 * A secret as the form sends it: absent keeps the stored one, `""` clears it, text replaces it. The browser
 * never receives the stored value, so "keep" is the only way to leave it unchanged.
 */
const secretChange = z.string().max(64 * 1024).optional();

/** The editable part of a profile, shared by the create/edit actions, "Test connection" and the managed file. */
export const profileFields = z
  .object({
    name: z.string().trim().min(1, "Give the connection a name.").max(100),
    kind: z.enum(kinds),
    settings: z.record(z.string(), z.unknown()),
    secrets: z.record(z.string(), secretChange).default({}),
    readOnly: z.boolean().default(false),
    environment: z.enum(ENVIRONMENT_NAMES).default("development"),
    color: z
      .string()
      .regex(/^#[0-9a-f]{6}$/i, "Use a #rrggbb colour.")
      .nullable()
      .default(null),
    keyDelimiter: z.string().min(1).max(8).default(":"),
    defaultFormat: z.enum(VALUE_FORMATS).default("auto"),
    formatOverrides: z
      .array(z.object({ prefix: z.string().min(1).max(500), format: z.enum(VALUE_FORMATS) }))
      .max(200)
      .default([]),
    consoleAllow: z
      .array(z.string().trim().min(1).max(40).transform((name) => name.toUpperCase().replace(/\s+/g, " ")))
      .max(50)
      .optional(),
    timeoutMs: z.number().int().min(100, "At least 100 ms.").max(120_000, "At most 2 minutes.").default(DEFAULT_TIMEOUT_MS),
    // The scan pace (./scan-pace.ts); null or absent leaves it to the environment variable or the built-in default.
    scanCount: z
      .number()
      .int("Keys per SCAN call: a whole number.")
      .min(SCAN_COUNT_RANGE.min, `Keys per SCAN call: at least ${SCAN_COUNT_RANGE.min}.`)
      .max(SCAN_COUNT_RANGE.max, `Keys per SCAN call: at most ${SCAN_COUNT_RANGE.max.toLocaleString("en")}.`)
      .nullable()
      .optional(),
    scanPauseMs: z
      .number()
      .int("Pause between calls: whole milliseconds.")
      .min(SCAN_PAUSE_RANGE.min, "Pause between calls: 0 ms or more.")
      .max(SCAN_PAUSE_RANGE.max, `Pause between calls: at most ${SCAN_PAUSE_RANGE.max.toLocaleString("en")} ms.`)
      .nullable()
      .optional(),
  })
  .superRefine((value, ctx) => {
    // The kind's schema parses the settings here, once, and what is stored is its output (defaults filled
    // in). A refinement rather than a transform, so that a bad setting is reported beside other bad fields.
    if (!KIND_NAMES.includes(value.kind)) return;
    // A kind read at the server's own speed has no pace to keep (its descriptor's `pacedScan`).
    if (!kindOf(value.kind).pacedScan) {
      value.scanCount = null;
      value.scanPauseMs = null;
    }
    const parsed = parseSettings(value.kind, value.settings);
    if (parsed.success) value.settings = parsed.data;
    else for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: ["settings"], message: settingProblem(issue) });
  });

/** The connection form's names for the settings, so a problem names the field the person sees. */
const SETTING_LABELS: Record<string, string> = {
  host: "Host",
  port: "Port",
  db: "Database",
  masterName: "Master name",
  sentinels: "Sentinels",
  nodes: "Cluster nodes",
  servers: "Servers",
  maxItemBytes: "Item size limit",
  address: "uwsgi socket",
  statsAddress: "Stats server",
  caches: "Caches",
};

/** `Port: use at most 65535.` rather than zod's `port: Too big: expected number to be <=65535`. */
function settingProblem(issue: z.core.$ZodIssue): string {
  const field = SETTING_LABELS[String(issue.path[0])] ?? (issue.path.join(".") || "Settings");
  if (issue.code === "too_big") return `${field}: use at most ${String(issue.maximum)}.`;
  if (issue.code === "too_small") return `${field}: use at least ${String(issue.minimum)}.`;
  return `${field}: ${issue.message}`;
}

export type ProfileFields = z.output<typeof profileFields>;
