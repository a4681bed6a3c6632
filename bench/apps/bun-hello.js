// Bun wrapper for hello.js: bind to 127.0.0.1 on $PORT (Bun's auto-serve of
// `export default {fetch}` would listen on 0.0.0.0, so serve explicitly).
import app from "./hello.js";

const port = Number(process.env.PORT || 8080);
Bun.serve({
  port,
  hostname: "127.0.0.1",
  fetch(request) {
    return app.fetch(request);
  },
});
