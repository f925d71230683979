// The colour theme the reader chose with the header's toggle (app.js), applied before the
// page paints so that it never flashes the other theme. Without a choice, CSS follows the
// system (prefers-color-scheme). A classic script in <head>: it blocks rendering for a moment,
// which is the point.
try {
  const theme = localStorage.getItem("kubeclue-theme");
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
} catch {
  // Storage blocked (a privacy setting): the system theme it is.
}
