// Sets the colour theme before the first paint, so a page never flashes the other theme while React loads.
// Loaded render-blocking from <head> (app/layout.tsx). The storage key is THEME_STORAGE_KEY in lib/ui/theme.ts;
// tests/unit/theme-boot.test.ts checks the two agree.
(function () {
  try {
    var choice = localStorage.getItem("cacheboard:theme");
    var dark = choice === "dark" || (choice !== "light" && matchMedia("(prefers-color-scheme: dark)").matches);
    var root = document.documentElement;
    root.classList.toggle("dark", dark);
    root.style.colorScheme = dark ? "dark" : "light";
  } catch {
    // Storage blocked: the page follows the operating system through the CSS default.
  }
})();
