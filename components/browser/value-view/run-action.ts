import type { ActionResult } from "@/lib/actions/define-action";
import type { Failure } from "@/lib/error-text";

type Toast = (message: string | Failure, tone?: "success" | "error" | "info") => void;

/**
 * Calls a server action and reports the outcome as a toast: the success text, or the failure explained
 * (its code in a detail). Returns the result so the caller can branch on codes it handles itself (CONFLICT).
 */
export async function runAction<T>(
  toast: Toast,
  call: () => Promise<ActionResult<T>>,
  success: string | ((data: T) => string),
  /** Failures the caller shows itself ("all": every one, e.g. inside a dialog). */
  quietCodes: string[] | "all" = [],
): Promise<ActionResult<T>> {
  let result: ActionResult<T>;
  try {
    result = await call();
  } catch {
    result = { ok: false, code: "NETWORK", message: "The server could not be reached." };
  }
  if (result.ok) toast(typeof success === "string" ? success : success(result.data), "success");
  else if (quietCodes !== "all" && !quietCodes.includes(result.code)) toast({ code: result.code, message: result.message }, "error");
  return result;
}
