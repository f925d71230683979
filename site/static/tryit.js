// "Try it" from a docs page: /#example=<class> puts that class's example paste (the fixture its
// docs page shows, which build.py copies to examples/<class>.txt) into the analyzer and runs it.
// The hash never reaches a server; the example comes from this site (and offline, from the
// service worker's cache). Loaded by the tool page only, after app.js.

const ROOT = document.body.dataset.root || "./";

async function loadExample() {
  const match = /^#example=([a-z0-9]+(?:-[a-z0-9]+)*)$/.exec(location.hash);
  const input = document.getElementById("input");
  const analyze = document.getElementById("analyze");
  if (!match || !input || !analyze) return;
  let text;
  try {
    const response = await fetch(`${ROOT}examples/${match[1]}.txt`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    text = await response.text();
  } catch (error) {
    console.warn(`kubeclue: no example ${match[1]}:`, error);
    return;
  }
  input.value = text;
  input.scrollTop = 0;
  // app.js analyzes on Analyze; before the runtime is ready it queues the paste.
  analyze.click();
}

addEventListener("hashchange", loadExample);
loadExample();
