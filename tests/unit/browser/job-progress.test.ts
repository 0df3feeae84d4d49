import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { JobProgressBar } from "@/components/browser/job-progress-bar";
import type { JobView } from "@/lib/wire/jobs";

const job = (status: JobView["status"], gentle?: boolean): JobView => ({
  id: "j1",
  kind: "delete",
  status,
  progress: { scanned: 1_500, matched: 300, affected: 250, total: 10_000, ...(gentle === undefined ? {} : { gentle }) },
  result: null,
  error: null,
  startedAt: 0,
  finishedAt: status === "running" ? null : 1,
});
const render = (view: JobView) => renderToStaticMarkup(createElement(JobProgressBar, { job: view, label: "deleted" }));

describe("job progress", () => {
  it("says a running job is slowed while its server is busy", () => {
    const html = render(job("running", true));
    expect(html).toContain('data-testid="job-gentle"');
    expect(html).toContain("Slowed down: the server is busy.");
    expect(html).toContain("1,500 / 10,000 scanned");
  });

  it("says nothing of it at the full pace, for a job that cannot say, or once the job has ended", () => {
    for (const view of [job("running", false), job("running"), job("done", true), job("cancelled", true)]) {
      expect(render(view)).not.toContain("job-gentle");
    }
  });
});
