// Sharing without leaking: "Copy redacted paste" and "Share" links (loaded by app.js on demand).
export {};
