import { describe, expect, it } from "vitest";
import {
  formatAge,
  formatBytes,
  formatCompact,
  formatCount,
  formatDuration,
  formatElapsed,
  formatInstant,
  formatNumber,
  formatPercent,
  formatRate,
  formatSeconds,
  formatShare,
  formatTtl,
  formatUtcInstant,
} from "@/lib/format";
import { plural } from "@/lib/plural";

describe("lib/format", () => {
  it("writes sizes in binary units, one decimal below 100 of a unit", () => {
    expect(formatBytes(null)).toBe("—");
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1024)).toBe("1 KiB");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(131072)).toBe("128 KiB");
    expect(formatBytes(400 * 1024)).toBe("400 KiB");
    expect(formatBytes(50 * 1024 * 1024)).toBe("50 MiB");
    expect(formatBytes(1.25 * 1024 ** 3)).toBe("1.3 GiB");
    expect(formatBytes(5000 * 1024 ** 4)).toBe("5000 TiB");
    expect(formatBytes(-2048)).toBe("-2 KiB");
  });

  it("writes counts and numbers in en-US style whatever the locale", () => {
    expect(formatCount(null)).toBe("—");
    expect(formatCount(0)).toBe("0");
    expect(formatCount(10_000)).toBe("10,000");
    expect(formatCount(1234.6)).toBe("1,235");
    expect(formatNumber(0.4)).toBe("0.4");
    expect(formatNumber(1500)).toBe("1,500");
    expect(plural(1, "key")).toBe("1 key");
    expect(plural(1024, "key")).toBe("1,024 keys");
    expect(plural(2, "entry", "entries")).toBe("2 entries");
  });

  it("writes ratios, rates and chart ticks", () => {
    expect(formatPercent(null)).toBe("—");
    expect(formatPercent(0)).toBe("0 %");
    expect(formatPercent(1)).toBe("100 %");
    expect(formatPercent(0.75)).toBe("75.0 %");
    expect(formatPercent(1 / 3)).toBe("33.3 %");
    expect(formatShare(1, 0)).toBe("—");
    expect(formatShare(1, 8)).toBe("12.5 %");
    expect(formatShare(1, 10_000)).toBe("<0.1 %");
    expect(formatShare(0, 10)).toBe("0.0 %");
    expect(formatShare(1, 3, 0)).toBe("33 %");
    expect(formatShare(1, 1000, 0)).toBe("<1 %");
    expect(formatRate(null)).toBe("—");
    expect(formatRate(0)).toBe("0/s");
    expect(formatRate(2)).toBe("2.0/s");
    expect(formatRate(2.25)).toBe("2.3/s");
    expect(formatRate(1200.4)).toBe("1,200/s");
    expect(formatCompact(0.125)).toBe("0.13");
    expect(formatCompact(512)).toBe("512");
    expect(formatCompact(12_345)).toBe("12.3k");
    expect(formatCompact(3_400_000)).toBe("3.4M");
    expect(formatCompact(2e9)).toBe("2G");
  });

  it("writes durations with their two largest units, rounded down", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(-5000)).toBe("0s");
    expect(formatDuration(59_400)).toBe("59s");
    expect(formatDuration(59_999)).toBe("59s");
    expect(formatDuration(600_000)).toBe("10m");
    expect(formatDuration(605_000)).toBe("10m 5s");
    expect(formatDuration(3_599_500)).toBe("59m 59s");
    expect(formatDuration(3_600_000)).toBe("1h");
    expect(formatDuration(3_661_000)).toBe("1h 1m");
    expect(formatDuration(90_061_000)).toBe("1d 1h");
    expect(formatDuration(86_400_000 + 60_000)).toBe("1d");
    expect(formatDuration(90_061_000, { style: "long" })).toBe("1 d 1 h");
    expect(formatDuration(245_000, { style: "long" })).toBe("4 min 5 s");
    expect(formatDuration(245_000, { style: "long", units: 1 })).toBe("4 min");
  });

  it("writes measured durations finer than countdowns", () => {
    expect(formatElapsed(0.32)).toBe("320 µs");
    expect(formatElapsed(1.5)).toBe("1.5 ms");
    expect(formatElapsed(850)).toBe("850 ms");
    expect(formatElapsed(12_500)).toBe("12.5 s");
    expect(formatElapsed(245_000)).toBe("4 min 5 s");
  });

  it("writes uptimes, TTLs and ages", () => {
    expect(formatSeconds(null)).toBe("—");
    expect(formatSeconds(42)).toBe("42 s");
    expect(formatSeconds(3 * 86400 + 4 * 3600 + 5)).toBe("3 d 4 h");
    expect(formatTtl(null)).toBe("no expiry");
    expect(formatTtl(90_000)).toBe("1 min 30 s");
    expect(formatAge(59_000)).toBe("just now");
    expect(formatAge(5 * 60_000 + 30_000)).toBe("5 min ago");
    expect(formatAge(2 * 3600_000 + 1)).toBe("2 h ago");
    expect(formatAge(3 * 86400_000)).toBe("3 d ago");
  });

  it("writes an expiry instant with its time zone (the options must be a combination Intl accepts)", () => {
    const instant = Date.UTC(2030, 0, 2, 3, 4, 5);
    const zone = new Intl.DateTimeFormat(undefined, { timeZoneName: "short" }).formatToParts(instant).find((p) => p.type === "timeZoneName")!.value;
    const text = formatInstant(instant);
    expect(text).toMatch(/2030/);
    expect(text).toMatch(/\d{2}:\d{2}:\d{2}/);
    expect(text).toContain(zone);
    expect(formatUtcInstant(instant)).toBe("02/01/2030, 03:04:05 UTC");
    expect(formatUtcInstant(new Date(instant).toISOString())).toBe("02/01/2030, 03:04:05 UTC");
  });
});
