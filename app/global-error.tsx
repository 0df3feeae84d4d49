"use client";

/**
 * A failure in the root layout itself, where app/error.tsx cannot render: this replaces the whole document,
 * so it brings its own <html> and keeps to plain styles (the stylesheet may be what failed).
 */
export default function GlobalError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body style={{ margin: 0, fontFamily: "ui-sans-serif, system-ui, sans-serif", background: "#f8fafc", color: "#0f172a" }}>
        <main style={{ minHeight: "100vh", display: "flex", flexDirection: "column", alignItems: "center", justifyContent: "center", gap: 12, padding: 32, textAlign: "center" }}>
          <h1 style={{ fontSize: 24, fontWeight: 600, margin: 0 }}>Cacheboard could not start this page</h1>
          <p style={{ maxWidth: 420, color: "#64748b", margin: 0 }}>The server log has the details. Nothing was changed.</p>
          <button type="button" onClick={reset} style={{ border: 0, background: "none", color: "#4f46e5", cursor: "pointer", fontSize: 16 }}>
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
