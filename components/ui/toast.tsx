"use client";

import { createContext, useCallback, useContext, useState } from "react";
import type { Failure } from "@/lib/error-text";
import { ErrorText } from "./error-text";

type Tone = "success" | "error" | "info";
interface Toast {
  id: number;
  tone: Tone;
  message: string | Failure;
}

/** A toast says a sentence, or explains a failure (a `{ code, message }`) with its code in a detail. */
const ToastContext = createContext<(message: string | Failure, tone?: Tone) => void>(() => {});

export function useToast() {
  return useContext(ToastContext);
}

const toneClass: Record<Tone, string> = {
  success: "border-emerald-500/40 bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100",
  error: "border-red-500/40 bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100",
  info: "border-slate-400/40 bg-white text-slate-900 dark:bg-slate-800 dark:text-slate-100",
};

export function ToastProvider({ children }: { children: React.ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const show = useCallback((message: string | Failure, tone: Tone = "info") => {
    const id = Date.now() + Math.random();
    setToasts((list) => [...list, { id, tone, message }]);
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), tone === "error" ? 8000 : 4000);
  }, []);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div aria-live="polite" className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-96 max-w-[90vw] flex-col gap-2">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            role={toast.tone === "error" ? "alert" : "status"}
            className={`pointer-events-auto rounded-lg border px-4 py-3 text-sm shadow-lg ${toneClass[toast.tone]}`}
          >
            {typeof toast.message === "string" ? toast.message : <ErrorText failure={toast.message} />}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
