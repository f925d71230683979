// The reference `make bench` compares the tool with: the same Pyodide, booted the plain way
// (default stdlib, lock file fetched) in a module worker, then `1+1`. Nothing else.
const worker = new Worker(new URL("worker.js", import.meta.url), { type: "module" });
worker.onmessage = ({ data }) => {
  if (data.error) {
    document.body.dataset.state = "error";
    document.body.dataset.error = data.error;
    return;
  }
  performance.mark("bare:ready", { detail: { result: data.result } });
  document.body.dataset.state = "ready";
};
worker.postMessage({ indexURL: new URL(document.location.search.slice(1) || "../pyodide/", location.href).href });
