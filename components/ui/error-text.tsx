import { explainFailure, type Failure } from "@/lib/error-text";

/**
 * A failure in a plain sentence, with the code and the raw message in a collapsible detail for whoever
 * needs to search a log or file a report.
 */
export function ErrorText({ failure, className = "" }: { failure: Failure; className?: string }) {
  const { summary, code, raw } = explainFailure(failure);
  return (
    <span className={`block ${className}`} data-error-code={code}>
      <span className="block">
        {/* `command` spans in a message are things to type: shown as code, never broken inside. */}
        {summary.split("`").map((part, i) =>
          i % 2 === 1 ? (
            <code key={i} className="rounded bg-black/5 px-1 font-mono whitespace-nowrap dark:bg-white/10">
              {part}
            </code>
          ) : (
            part
          ),
        )}
      </span>
      <details className="mt-1 text-xs opacity-80">
        <summary className="cursor-pointer select-none">Details</summary>
        <span className="mt-1 block font-mono break-words">
          <span className="font-semibold">{code}</span>
          {raw ? ` ${raw}` : ""}
        </span>
      </details>
    </span>
  );
}
