import { describe, expect, it } from "vitest";
import { jobProgressText, jobScopeText, jobShare } from "@/components/jobs/job-words";
import type { JobKind, JobProgress, JobStatus } from "@/lib/wire/jobs";

const job = (kind: JobKind, progress: Partial<JobProgress>, status: JobStatus = "running") => ({
  kind,
  status,
  progress: { scanned: 0, matched: 0, affected: 0, total: null, ...progress },
});

describe("the Jobs tab's words", () => {
  it("say what each kind counted, of how many, and how far it is", () => {
    expect(jobProgressText(job("delete", { scanned: 12_000, affected: 3_000, total: 50_000 }))).toBe("12,000 of 50,000 keys scanned (24.0 %) · 3,000 deleted");
    expect(jobProgressText(job("count", { scanned: 7, matched: 1 }))).toBe("7 keys scanned · 1 matched");
    expect(jobProgressText(job("export", { affected: 1, total: 4 }, "cancelled"))).toBe("1 of 4 keys written");
    expect(jobProgressText(job("import", { scanned: 10, affected: 9, total: 20 }))).toBe("10 of 20 lines read (50.0 %) · 9 imported");
    // A prefix walk's SCAN work can overshoot the key count on a small database.
    expect(jobProgressText(job("expire", { scanned: 120, affected: 5, total: 100 }, "done"))).toBe("100 of 100 keys scanned · 5 expired");
    expect(jobShare(job("top", { scanned: 5, total: null }))).toBeNull();
    expect(jobShare(job("export", { affected: 1, total: 4 }))).toBe(0.25);
    expect(jobScopeText(null)).toBeNull();
    expect(jobScopeText(3)).toBe("database 3");
  });
});
