self.onmessage = async ({ data: { indexURL } }) => {
  try {
    const { loadPyodide } = await import(indexURL + "pyodide.mjs");
    const pyodide = await loadPyodide({ indexURL });
    self.postMessage({ result: pyodide.runPython("1+1") });
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
