// Sharing without leaking, loaded by app.js the first time it is needed.
//
// "Copy redacted paste": the paste with secrets and identifying values replaced by
// analyzer.api.redact_json (in the worker), previewed, then copied.
//
// "Share link": https://…/#s=<payload>, where the payload is {"v": 1, "report": …, "paste"?: …}
// as JSON, compressed with CompressionStream("deflate-raw") and written in base64url. The
// report is the diagnosis of the *redacted* paste (same lines, same diagnosis, no secrets);
// the redacted paste itself rides along only when the reader asks, and only when it stays
// under PASTE_LIMIT compressed. Browsers never send the part after # to a server, so the link
// carries the diagnosis to whoever receives it and to nobody else.
//
// Everything here is put into the page with textContent; a share link is anyone's text.

export const PASTE_LIMIT = 8 * 1024; // compressed bytes of redacted paste a link may carry
const MAX_INFLATED = 8 * 1024 * 1024; // a link that inflates past this is not ours
const VERSION = 1;
const LONG_LINK = 16 * 1024; // past this, say that chat apps may cut the link

// ---------------------------------------------------------------- the payload

async function deflate(text) {
  const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function inflate(bytes) {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_INFLATED) {
      await reader.cancel();
      throw new Error("the link inflates to more than a report can be");
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(await new Blob(chunks).arrayBuffer());
}

function toBase64url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

export async function encodeShare(report, paste = null) {
  const payload = { v: VERSION, report };
  if (paste !== null) payload.paste = paste;
  return toBase64url(await deflate(JSON.stringify(payload)));
}

// A reason app.js can show after "This share link could not be read: " (error.shareReason).
function unreadable(message, shareReason) {
  return Object.assign(new Error(message), { shareReason });
}

export async function decodeShare(fragment) {
  const payload = JSON.parse(await inflate(fromBase64url(fragment)));
  const report = payload?.report;
  if (typeof payload?.v === "number" && payload.v > VERSION) {
    throw unreadable("a newer share link", "it was made by a newer kubeclue; reload the page (Ctrl+Shift+R) and open it again");
  }
  if (payload?.v !== VERSION || !report || typeof report !== "object" || !Array.isArray(report.objects)) {
    throw new Error("not a kubeclue share link");
  }
  const paste = typeof payload.paste === "string" ? payload.paste : null;
  return { report, paste };
}

// ---------------------------------------------------------------- dialogs

const KINDS = {
  secret: ["secret", "secrets"],
  value: ["environment value", "environment values"],
  user: ["user name", "user names"],
  email: ["email address", "email addresses"],
  ip: ["IP address", "IP addresses"],
  host: ["host name", "host names"],
  account: ["registry account", "registry accounts"],
  name: ["object name", "object names"],
};
const PLACEHOLDER = /<(?:secret|value|user|email|ip|host|account)-\d+>|\bname-\d+\b/g;

let dialogCount = 0;

function dialog(ctx, opener, title) {
  const { h } = ctx;
  const id = `dialog-title-${++dialogCount}`;
  const close = h("button", { type: "button", class: "dialog-close", "aria-label": "Close" }, "×");
  const bodyNode = h("div", { class: "dialog-body" }, h("div", { class: "dialog-head" }, h("h2", { id }, title), close));
  const node = h("dialog", { class: "dialog", "aria-labelledby": id }, bodyNode);
  close.addEventListener("click", () => node.close());
  node.addEventListener("click", (event) => { if (event.target === node) node.close(); }); // the backdrop
  node.addEventListener("close", () => {
    node.remove();
    opener?.focus();
  });
  document.body.append(node);
  return { node, body: bodyNode };
}

function option(ctx, label, help) {
  const { h } = ctx;
  const box = h("input", { type: "checkbox" });
  const node = h("label", { class: "option" }, box, h("span", null, label, help ? h("small", null, help) : null));
  return { node, box };
}

function highlighted(ctx, text) {
  // The redacted text with its placeholders marked, built from text nodes.
  const { h } = ctx;
  const out = document.createDocumentFragment();
  let at = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > at) out.append(text.slice(at, match.index));
    out.append(h("mark", { class: "ph" }, match[0]));
    at = match.index + match[0].length;
  }
  out.append(text.slice(at));
  return out;
}

function countList(ctx, replacements) {
  const { h } = ctx;
  const entries = Object.entries(replacements || {}).filter(([, n]) => n > 0);
  if (!entries.length) {
    return h("p", { class: "counts" }, h("span", { class: "count count-none" }, "nothing found to replace — read it before you share it"));
  }
  return h("p", { class: "counts", "aria-label": "What was replaced" }, entries.map(([kind, n]) => {
    const [one, many] = KINDS[kind] || [kind, kind + "s"];
    return h("span", { class: "count" }, `${n} ${n === 1 ? one : many}`);
  }));
}

const kb = (bytes) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);

export function openRedact(ctx, opener) {
  const { h, call, shown } = ctx;
  const { node, body } = dialog(ctx, opener, "Copy redacted paste");
  const names = option(ctx, "Also replace object names",
    "Pods, workloads, namespaces, nodes and services become name-1, name-2…: still valid names, so the diagnosis reads the same.");
  const counts = h("div", { "aria-live": "polite" });
  const preview = h("pre", { class: "redacted", tabindex: "0", "aria-label": "The redacted paste" });
  const copy = h("button", { type: "button", class: "btn-primary" }, "Copy redacted paste");
  let text = null;
  body.append(
    h("p", { class: "muted" },
      "Secrets and identifying values — environment values, tokens, passwords and keys, credentials in URLs, IP addresses, host names, registry accounts — ",
      "are replaced with placeholders. The same value always gets the same placeholder and no line moves, so the paste keeps its diagnosis and its line numbers."),
    names.node, counts, preview,
    h("div", { class: "dialog-actions" }, copy));

  async function refresh() {
    copy.disabled = true;
    counts.replaceChildren(h("p", { class: "muted" }, "Redacting…"));
    try {
      const result = JSON.parse(await call("redact_json", shown.text, names.box.checked));
      text = result.text;
      counts.replaceChildren(countList(ctx, result.replacements));
      preview.replaceChildren(highlighted(ctx, text));
      copy.disabled = false;
    } catch (error) {
      text = null;
      counts.replaceChildren(h("p", { class: "notice-error" }, `Could not redact the paste: ${error.message}`));
    }
  }
  names.box.addEventListener("change", refresh);
  copy.addEventListener("click", async () => {
    if (text === null) return;
    try {
      await ctx.copyText(text);
      ctx.flashLabel(copy, "Copied", "Copy redacted paste");
      ctx.announce("The redacted paste is on the clipboard.");
    } catch {
      getSelection().selectAllChildren(preview);
      ctx.flashLabel(copy, "Press Ctrl+C", "Copy redacted paste");
    }
  });
  node.showModal();
  refresh();
}

export function openShare(ctx, opener) {
  const { h, call, shown } = ctx;
  const { node, body } = dialog(ctx, opener, "Share this diagnosis");
  const hasPaste = typeof shown.text === "string";
  const names = option(ctx, "Also replace object names", "name-1, name-2… instead of your pods, workloads, namespaces and nodes.");
  const withPaste = option(ctx, "Include the redacted paste",
    `So the receiver sees every line. Only when it compresses to ${kb(PASTE_LIMIT)} or less.`);
  withPaste.sizeNote = h("small", { class: "size-note" });
  withPaste.node.querySelector("span").append(withPaste.sizeNote);
  const link = h("input", { type: "text", readonly: "", "aria-label": "The share link", spellcheck: "false" });
  const copy = h("button", { type: "button", class: "btn-primary" }, "Copy link");
  const status = h("p", { class: "size-note", "aria-live": "polite" });
  body.append(
    h("p", { class: "muted" },
      "The link holds the diagnosis itself, after the ", h("code", null, "#"), ". Browsers never send that part to a server: ",
      "it reaches the people you give the link to and nobody else. Secrets, IP addresses, hosts and registry accounts are replaced first."),
    hasPaste ? names.node : null,
    hasPaste ? withPaste.node : h("p", { class: "muted" }, "This view came from a share link; the new link carries the same diagnosis."),
    h("div", { class: "link-row" }, link, copy),
    status);

  let generation = 0;
  async function refresh() {
    const mine = ++generation;
    copy.disabled = true;
    status.textContent = "Preparing the link…";
    try {
      let report = shown.report;
      let paste = null;
      if (hasPaste) {
        const redacted = JSON.parse(await call("redact_json", shown.text, names.box.checked)).text;
        report = JSON.parse(await call("analyze_json", redacted));
        const size = (await deflate(redacted)).length;
        const fits = size <= PASTE_LIMIT;
        withPaste.box.disabled = !fits;
        if (!fits) withPaste.box.checked = false;
        withPaste.sizeNote.textContent = fits ? `The redacted paste: ${kb(size)} compressed.`
          : `The redacted paste is ${kb(size)} compressed, over the ${kb(PASTE_LIMIT)} a link may carry: share the diagnosis, or use Copy redacted paste.`;
        if (withPaste.box.checked) paste = redacted;
      }
      const url = `${location.origin}${location.pathname}#s=${await encodeShare(report, paste)}`;
      if (mine !== generation) return;
      link.value = url;
      const findings = (report.objects || []).reduce((n, o) => n + (o.findings?.length || 0), 0);
      status.textContent = `${kb(url.length)} link: the diagnosis (${ctx.plural(findings, "finding")}${paste !== null ? ") and the redacted paste" : ", without the paste)"}.` +
        (url.length > LONG_LINK ? " Some chat apps cut links this long: if it arrives broken, send Copy as Markdown instead." : "");
      copy.disabled = false;
    } catch (error) {
      if (mine !== generation) return;
      link.value = "";
      status.textContent = `Could not make the link: ${error.message}`;
    }
  }
  names.box.addEventListener("change", refresh);
  withPaste.box.addEventListener("change", refresh);
  link.addEventListener("focus", () => link.select());
  copy.addEventListener("click", async () => {
    try {
      await ctx.copyText(link.value);
      ctx.flashLabel(copy, "Copied", "Copy link");
      ctx.announce("The share link is on the clipboard.");
    } catch {
      link.select();
      ctx.flashLabel(copy, "Press Ctrl+C", "Copy link");
    }
  });
  node.showModal();
  refresh();
}
