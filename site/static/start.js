// Starts the analysis worker (worker.js) from the tool page's <head>, before the rest of the
// page is even downloaded: Python's start is what a first visit waits for, and a worker takes
// a while to get going in a fresh tab. A classic script, so that it runs at once (a module
// script would wait for the whole page). app.js takes the worker over, and calls
// kubeclue.start() again for a Retry. The URLs are this script's data attributes.
(() => {
  const { worker, pyodide, bundle, files } = document.currentScript.dataset;
  let first = true;
  const start = () => {
    // On a first visit (no service worker) the page downloads the runtime's biggest file (the
    // snapshot) for the worker (see worker.js fromPage()); later starts, and visits served from
    // the cache, leave it to the worker.
    const fetched = first && files && !navigator.serviceWorker?.controller ? files.split(" ") : [];
    first = false;
    const started = new Worker(worker, { type: "module" });
    // What it says before app.js listens is kept, and handed over by listen(): a warm start
    // can be ready before app.js has run.
    const early = [];
    started.onmessage = started.onerror = (event) => early.push(event);
    started.listen = (onmessage, onerror) => {
      Object.assign(started, { onmessage, onerror });
      for (const event of early.splice(0)) (event.type === "error" ? onerror : onmessage)(event);
    };
    started.postMessage({
      type: "boot",
      indexURL: new URL(pyodide, location.href).href,
      bundleURL: new URL(bundle, location.href).href,
      // Served from the service worker's cache: what the server says now does not matter.
      cached: Boolean(navigator.serviceWorker?.controller),
      filesFromPage: fetched.map((url) => url.split("/").pop()),
    });
    for (const url of fetched) {
      const name = url.split("/").pop();
      fetch(new URL(url, location.href))
        .then((response) => (response.ok ? response.arrayBuffer() : Promise.reject(new Error(`HTTP ${response.status}`))))
        .then((buffer) => started.postMessage({ type: "file", name, buffer }, [buffer]))
        .catch((error) => started.postMessage({ type: "file", name, error: error.message }));
    }
    return started;
  };
  self.kubeclue = { start, worker: start() };
})();
