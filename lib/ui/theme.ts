/**
 * The colour theme: "system" follows the operating system, "light" and "dark" pin it. The choice lives in
 * localStorage; the `dark` class on <html> is what Tailwind's `dark:` variant reads (app/globals.css).
 */
export type ThemeChoice = "system" | "light" | "dark";

export const THEME_STORAGE_KEY = "cacheboard:theme";

/**
 * Runs inline in <head> before the first paint, so a page never flashes the other theme while React loads.
 * Kept tiny and self-contained: it is a string, not a module.
 */
export const themeBootScript = `(function(){try{var c=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});var d=c==="dark"||(c!=="light"&&matchMedia("(prefers-color-scheme: dark)").matches);var e=document.documentElement;e.classList.toggle("dark",d);e.style.colorScheme=d?"dark":"light";}catch(_){}})();`;
