import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, formatInstant } from "@/components/browser/value-view/format";

describe("pane formatting", () => {
  it("writes an expiry instant with its time zone (the options must be a combination Intl accepts)", () => {
    const instant = Date.UTC(2030, 0, 2, 3, 4, 5);
    const zone = new Intl.DateTimeFormat(undefined, { timeZoneName: "short" }).formatToParts(instant).find((p) => p.type === "timeZoneName")!.value;
    const text = formatInstant(instant);
    expect(text).toMatch(/2030/);
    expect(text).toMatch(/\d{2}:\d{2}:\d{2}/);
    expect(text).toContain(zone);
  });

  it("shortens durations and sizes", () => {
    expect(formatDuration(59_400)).toBe("59s");
    expect(formatDuration(600_000)).toBe("10m 0s");
    expect(formatDuration(90_061_000)).toBe("1d 1h");
    expect(formatBytes(50 * 1024 * 1024)).toBe("50 MiB");
    expect(formatBytes(131072)).toBe("128 KiB");
  });
});
