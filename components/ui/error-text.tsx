import { explainFailure, type Failure } from "@/lib/error-text";

/**
 * A failure in a plain sentence, with the code and the raw message in a collapsible detail for whoever
 * needs to search a log or file a report.
 */
export function ErrorText({ failure, className = "" }: { failure: Failure; className?: string }) {
  const { summary, code, raw } = explainFailure(failure);
  return (
    <span className={`block ${className}`} data-error-code={code}>
      <span className="block">{summary}</span>
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
