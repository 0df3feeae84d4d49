/**
 * The colour theme: "system" follows the operating system, "light" and "dark" pin it. The choice lives in
 * localStorage; the `dark` class on <html> is what Tailwind's `dark:` variant reads (app/globals.css).
 */
export type ThemeChoice = "system" | "light" | "dark";

export const THEME_STORAGE_KEY = "cacheboard:theme";
